package org.understudy.examples.kv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.examples.kv.di.KvNodes;
import org.understudy.examples.kv.http.KvHttpServer;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.InitialCluster;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import org.understudy.examples.kv.node.TestPorts;
import org.understudy.raft.transport.netty.tls.TestPki;

/**
 * {@code ctl --cacert/--cert/--key} against a one-member server started as {@code server --tls-*
 * --client-cert-auth} would be (KvNode + {@link HttpServing}, in this JVM): with a certificate of
 * the cluster's CA it is served; without one it is told, with a code and a sentence, to give one.
 */
class CtlOverTlsTest {
    @TempDir
    static Path dir;

    private static TestPki pki;
    private static TestPki.Identity member;
    private static KvNode node;
    private static KvHttpServer http;
    private static String endpoint;

    private record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        member = pki.issue("solo", "ip:127.0.0.1");
        HostPort peer = new HostPort("127.0.0.1", TestPorts.free());
        HostPort client = new HostPort("127.0.0.1", TestPorts.free());
        node = KvNodes.start(KvConfig.builder("solo", dir.resolve("solo")).storage("memory").listenPeer(peer)
                .listenClient(client).tickMillis(50).initialCluster(InitialCluster.parse("solo=" + peer))
                .tls(new KvConfig.TlsFiles(member.chain(), member.key(), pki.caCertificate())).clientCertAuth(true)
                .build());
        http = HttpServing.start(node, "solo", client);
        endpoint = client.toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.health().healthy());
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Run ctl(String... args) {
        List<String> full = new ArrayList<>(List.of("ctl", "--endpoints", endpoint, "--cacert",
                pki.caCertificate().toString()));
        full.addAll(List.of(args));
        picocli.CommandLine cl = RaftKvMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(full.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void withAClientCertificateOfTheCaCtlIsServed() {
        String[] cert = {"--cert", member.chain().toString(), "--key", member.key().toString()};
        Run put = ctl(cert[0], cert[1], cert[2], cert[3], "put", "greeting", "hello over tls");
        assertThat(put.exit()).as(put.err()).isZero();
        Run get = ctl(cert[0], cert[1], cert[2], cert[3], "get", "greeting");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).contains("hello over tls");
    }

    @Test
    void withoutAClientCertificateCtlIsToldToGiveOne() {
        Run get = ctl("get", "greeting");
        assertThat(get.exit()).isEqualTo(1);
        assertThat(get.err()).startsWith("Error: TLS_HANDSHAKE_FAILED: ")
                .contains("requires a client certificate", "--cert and --key").doesNotContain("\tat ");
    }
}
