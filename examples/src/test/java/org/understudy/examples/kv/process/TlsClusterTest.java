package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.node.ClientPortTls;
import org.understudy.raft.transport.netty.tls.TestPki;

/**
 * Members started with {@code --tls-cert/--tls-key/--tls-ca} encrypt their client port too: each
 * follower publishes its client URL to the leader over https, writes through a follower reach the
 * leader over https, every member answers {@code ctl --cacert}; plain HTTP gets the connection
 * closed, not data; {@code ctl} without {@code --cacert}, or with a CA that did not sign the
 * members, fails with a code and a sentence.
 */
class TlsClusterTest extends ProcessClusterTestBase {

    @Test
    void clientTrafficIsTlsAndFollowersForwardOverHttps() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        TestPki.Identity memberCert = pki.issue("member", "ip:127.0.0.1");
        TestPki.Identity strangerCert = pki.selfSigned("stranger");
        String ca = pki.caCertificate().toString();
        List<String> flags = new ArrayList<>(List.of("--storage", "memory", "--tls-cert", memberCert.chain().toString(),
                "--tls-key", memberCert.key().toString(), "--tls-ca", ca));
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
                .sslContext(ClientPortTls.sslContext(pki.caCertificate(), null, null)).build();
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"), flags,
                new KvHttp("https", https, Duration.ofSeconds(15)));
        KvHttp http = cluster.http();
        Member leader = cluster.awaitLeader();
        List<Member> followers = cluster.members().stream().filter(m -> m != leader).toList();

        // Followers publish their client URLs through the leader's client port (https); the list keeps host:port.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            KvHttp.Reply members = http.members(leader.endpoint());
            assertThat(members.status()).as("%s", members).isEqualTo(200);
            assertThat(members.members()).hasSize(3).allSatisfy(m -> assertThat(m.get("clientUrls"))
                    .isEqualTo(List.of(cluster.member((String) m.get("name")).endpoint())));
        });

        // Writes through each follower are forwarded to the leader over https; every member reads them.
        for (Member f : followers) {
            Ctl.Run put = new Ctl(f.endpoint()).run("--cacert", ca, "put", "key-" + f.name(), "via " + f.name());
            assertThat(put.exit()).as("put via %s (leader %s): %s", f, leader.name(), put).isZero();
            assertThat(put.out()).startsWith("OK, revision ");
        }
        for (Member reader : cluster.members()) {
            for (Member f : followers) {
                Ctl.Run get = new Ctl(reader.endpoint()).run("--cacert", ca, "get", "key-" + f.name());
                assertThat(get.exit()).as("get on %s: %s", reader, get).isZero();
                assertThat(get.out()).contains("key-" + f.name(), "via " + f.name());
            }
        }
        Ctl.Run health = new Ctl(cluster.endpoints()).run("--cacert", ca, "endpoint", "health");
        assertThat(health.exit()).as("%s", health).isZero();

        // Plain HTTP to a client port: the connection is closed, and nothing of HTTP (or data) comes back.
        String answer = plainHttpGet(leader, "/v1/kv/key-" + followers.get(0).name());
        assertThat(answer).doesNotContain("HTTP/").doesNotContain("via ");

        // ctl without --cacert, or trusting another CA: a code and a sentence, exit 1, no stack trace.
        Ctl.Run plain = new Ctl(leader.endpoint()).run("--timeout", "5s", "get", "key-n1");
        assertThat(plain.exit()).as("%s", plain).isEqualTo(1);
        assertThat(plain.err()).as("%s", plain).startsWith("Error: NO_HTTP_ANSWER: ").contains("--cacert")
                .doesNotContain("\tat ");
        Ctl.Run stranger = new Ctl(leader.endpoint()).run("--cacert", strangerCert.chain().toString(), "get", "key-n1");
        assertThat(stranger.exit()).as("%s", stranger).isEqualTo(1);
        assertThat(stranger.err()).as("%s", stranger).startsWith("Error: TLS_HANDSHAKE_FAILED: ")
                .contains("not signed by a CA in --cacert").doesNotContain("\tat ");
    }

    /** Sends a plain HTTP GET and returns all it gets back before the server closes the connection. */
    private static String plainHttpGet(Member m, String path) throws IOException {
        int port = Integer.parseInt(m.endpoint().substring(m.endpoint().lastIndexOf(':') + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000); // a server that keeps the connection open fails the test with a timeout
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + m.endpoint() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (SocketException reset) {
                return ""; // closed with a reset: no answer either
            }
        }
    }
}
