package org.understudy.examples.kv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * How ctl names a failed connection. The TLS 1.3 case is the one a live test cannot pin down: the
 * member refuses a missing client certificate either with an alert during the handshake or by
 * closing the connection right after it, depending on timing; both must read the same.
 */
class ConnectionFailureTest {
    private static final IOException CLOSED = new IOException("HTTP/1.1 header parser received no bytes");

    @Test
    void aConnectionClosedRightAfterTheTlsHandshakeAsksForAClientCertificate() {
        ConnectionFailure closed = ConnectionFailure.of(CLOSED, true, false, "127.0.0.1");
        ConnectionFailure alert = ConnectionFailure.of(
                new IOException(new SSLHandshakeException("Received fatal alert: certificate_required")), true, false,
                "127.0.0.1");
        assertThat(closed.code()).isEqualTo(alert.code()).isEqualTo(ConnectionFailure.TLS_HANDSHAKE_FAILED);
        assertThat(closed.sentence()).contains("requires a client certificate", "--cert and --key");
        assertThat(alert.sentence()).contains("requires a client certificate", "--cert and --key");

        assertThat(ConnectionFailure.of(CLOSED, true, true, "127.0.0.1").sentence())
                .contains("refused this client's certificate");
    }

    @Test
    void plainHttpToATlsPortAndADownMember() {
        assertThat(ConnectionFailure.of(CLOSED, false, false, "127.0.0.1").code()).isEqualTo(ConnectionFailure.NO_HTTP_ANSWER);
        assertThat(ConnectionFailure.of(new ConnectException("Connection refused"), true, false, "127.0.0.1").code())
                .isEqualTo(ConnectionFailure.UNAVAILABLE);
    }
}
