package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client port over TLS: the server takes a ready Netty server context. */
class TlsTest {
    private static final char[] PASSWORD = "test-only".toCharArray();

    @TempDir
    Path dir;

    @Test
    void servesHttpsAndRefusesPlainHttp() throws Exception {
        KeyStore store = selfSignedFor127001(dir.resolve("server.p12"));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SslContext serverContext = SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        FakeKvService service = new FakeKvService();
        try (KvHttpServer server = TestServers.start(service, KvHttpServerOptions.builder().tls(serverContext))) {
            HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientContext)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            ApiClient client = new ApiClient("https", server.address(), https);
            assertThat(client.send("PUT", "/v1/kv/k", "secret").status()).isEqualTo(200);
            assertThat(client.get("/v1/kv/k").json()).containsEntry("value", "secret");

            HttpRequest plain = HttpRequest.newBuilder(URI.create("http://" + server.address() + "/v1/status"))
                    .timeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> ApiClient.plainClient().send(plain, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThat(client.get("/v1/status").status()).isEqualTo(200);
        }
    }

    /** A self-signed EC certificate for IP 127.0.0.1, made with the JDK's keytool. */
    private static KeyStore selfSignedFor127001(Path file) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1", "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=kv-http-test", "-ext", "san=ip:127.0.0.1",
                "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
                .as("keytool: %s", new String(output, StandardCharsets.UTF_8)).isTrue();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }
}
