package org.understudy.examples.kv.cli;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why {@code ctl} got no HTTP answer from an endpoint, as a code and a sentence for the operator
 * (never a stack trace). Most failures are a member that is down ({@code UNAVAILABLE}); the others
 * come from TLS being set up on one side only or with other files, and the sentence says which flag
 * to change.
 *
 * @param code {@code UNAVAILABLE}, {@code TLS_HANDSHAKE_FAILED} (ctl speaks TLS and the handshake
 *     failed) or {@code NO_HTTP_ANSWER} (ctl speaks plain HTTP, connected, and got no HTTP back,
 *     which is what a member's TLS port does: it closes the connection)
 */
record ConnectionFailure(String code, String sentence) {
    static final String UNAVAILABLE = "UNAVAILABLE";
    static final String TLS_HANDSHAKE_FAILED = "TLS_HANDSHAKE_FAILED";
    static final String NO_HTTP_ANSWER = "NO_HTTP_ANSWER";

    /**
     * @param https whether the request went over TLS
     * @param clientCertificate whether ctl presented a certificate ({@code --cert})
     * @param host the host dialled, for a certificate that does not name it
     */
    static ConnectionFailure of(IOException e, boolean https, boolean clientCertificate, String host) {
        if (find(e, HttpTimeoutException.class) != null || find(e, ConnectException.class) != null
                || find(e, NoRouteToHostException.class) != null || find(e, UnresolvedAddressException.class) != null) {
            return new ConnectionFailure(UNAVAILABLE, plain(e));
        }
        if (https) {
            SSLException tls = find(e, SSLException.class);
            if (tls != null) {
                return handshake(e, tls, clientCertificate, host);
            }
            if (find(e, EOFException.class) != null || mentions(e, "received no bytes", "connection reset")) {
                // TLS 1.3: the member judges the client's certificate after the client's side of the
                // handshake has finished, so a refusal can reach ctl as a closed connection, not an alert
                return new ConnectionFailure(TLS_HANDSHAKE_FAILED, "TLS handshake failed: the member closed the"
                        + " connection right after the handshake without answering (" + plain(e) + "); "
                        + (clientCertificate ? "it most likely refused this client's certificate (--cert): it must be"
                                + " signed by the member's --tls-ca"
                                : "it most likely requires a client certificate (it runs with --client-cert-auth):"
                                        + " give --cert and --key, signed by its --tls-ca"));
            }
            return new ConnectionFailure(UNAVAILABLE, plain(e));
        }
        // connected, but no HTTP came back (closed, reset, or bytes that are not HTTP)
        return new ConnectionFailure(NO_HTTP_ANSWER, "connected, but the member gave no HTTP answer (" + plain(e)
                + "), as a member started with --tls-cert does to plain HTTP: give ctl --cacert CA.pem (the CA that"
                + " signed the members' certificates) to talk https");
    }

    private static ConnectionFailure handshake(IOException e, SSLException tls, boolean clientCertificate, String host) {
        String why;
        if (find(e, CertPathBuilderException.class) != null || find(e, CertPathValidatorException.class) != null
                || mentions(e, "pkix path")) {
            why = "the member's certificate is not signed by a CA in --cacert";
        } else if (mentions(e, "no subject alternative", "no name matching")) {
            why = "the member's certificate does not name " + host + " (as a DNS or IP subject alternative name);"
                    + " reach it by an address its certificate names";
        } else if (mentions(e, "certificate_required", "bad_certificate", "certificate_unknown")) {
            // a member with --client-cert-auth answers a missing certificate with one of these alerts too
            why = clientCertificate ? "the member refused this client's certificate (--cert): it must be signed by"
                    + " the member's --tls-ca" : "the member requires a client certificate (it runs with"
                    + " --client-cert-auth): give --cert and --key, signed by its --tls-ca";
        } else if (mentions(e, "unrecognized ssl message", "plaintext connection")) {
            why = "the member answered in plain HTTP, not TLS (it runs without --tls-cert): drop --cacert, --cert"
                    + " and --key";
        } else {
            why = tls.getMessage() == null ? tls.getClass().getSimpleName() : tls.getMessage();
        }
        return new ConnectionFailure(TLS_HANDSHAKE_FAILED, "TLS handshake failed: " + why);
    }

    private static String plain(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Whether a message in {@code e}'s cause chain contains one of {@code needles} (lower case). */
    private static boolean mentions(Throwable e, String... needles) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            for (String needle : needles) {
                if (m.contains(needle)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
