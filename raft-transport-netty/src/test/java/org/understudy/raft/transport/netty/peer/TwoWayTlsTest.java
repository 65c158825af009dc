package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.transport.netty.tls.TestPki;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * Two-way connections under TLS: with mutual TLS (and host-name verification) a node answers on
 * the connection the peer dialled, since the peer's client certificate authenticates it as a dial
 * would; with server-only TLS the dialler is anonymous, so the answering node dials its own
 * connection (and verifies the peer's certificate there).
 */
class TwoWayTlsTest {
    @TempDir
    static Path pkiDir;
    private static TestPki pki;
    private static TestPki.Identity node1;
    private static TestPki.Identity node2;

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(pkiDir);
        node1 = pki.issue("node1", "ip:127.0.0.1,dns:localhost");
        node2 = pki.issue("node2", "ip:127.0.0.1,dns:localhost");
    }

    @AfterEach
    void closeAll() {
        TestTransports.closeAll(new ArrayList<>(closeables));
    }

    private TwoWayConnectionTest.Node node(long id, TestPki.Identity identity, boolean mutual) {
        TlsSettings tls = TlsSettings.builder(identity.chain(), identity.key(), pki.caCertificate()).mutualTls(mutual)
                .build();
        var n = new TwoWayConnectionTest.Node(id, TestTransports.options("tls", id, null).tls(tls));
        closeables.push(n);
        return n;
    }

    private static void roundTrips(TwoWayConnectionTest.Node a, TwoWayConnectionTest.Node b) {
        a.peer(b);
        b.peer(a);
        for (int i = 0; i < 20; i++) {
            a.transport.send(TwoWayConnectionTest.heartbeat(a.id, b.id, "req-" + i));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> a.count("rep-19") == 1 && a.received.size() == 20);
    }

    @Test
    void withMutualTlsAnswersTravelOnTheDialledConnection() {
        var a = node(1, node1, true);
        var b = node(2, node2, true);
        roundTrips(a, b);
        assertThat(b.inboundConnections()).isEqualTo(1.0);
        assertThat(a.inboundConnections()).isEqualTo(0.0);
        assertThat(a.dropped() + b.dropped()).isZero();
    }

    @Test
    void withServerOnlyTlsTheAnsweringNodeDialsItsOwnConnection() {
        var a = node(1, node1, false);
        var b = node(2, node2, false);
        roundTrips(a, b);
        assertThat(b.inboundConnections()).isEqualTo(1.0);
        assertThat(a.inboundConnections()).as("b could not tell who dialled: it dialled a itself").isEqualTo(1.0);
    }

    @Test
    void aClientCertificateMustNameTheConfiguredHost() throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(node1.chain())) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(ClientCertificates.names(cert, "127.0.0.1")).isTrue();
        assertThat(ClientCertificates.names(cert, "localhost")).isTrue();
        assertThat(ClientCertificates.names(cert, "LocalHost")).isTrue();
        assertThat(ClientCertificates.names(cert, "10.0.0.1")).isFalse();
        assertThat(ClientCertificates.names(cert, "node1.example")).isFalse();
        assertThat(ClientCertificates.names(cert, "0:0:0:0:0:ffff:7f00:2")).isFalse();
    }
}
