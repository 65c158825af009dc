package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;
import org.understudy.examples.kv.client.KvOperation;
import org.understudy.examples.kv.client.RpcClientTransport;
import org.understudy.examples.kv.node.ClientPortTls;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.rpc.proto.KvGetReply;
import org.understudy.examples.kv.rpc.proto.KvPutReply;
import org.understudy.raft.transport.netty.rpc.RpcClientOptions;
import org.understudy.raft.transport.netty.tls.TestPki;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * The client port over TLS as raft-kv sets it up from {@code --tls-cert/--tls-key/--tls-ca}
 * ({@link ClientPortTls}): HTTPS for clients without a certificate, plain HTTP refused, a
 * presented certificate the CA did not sign refused, certificates required with {@code --client-cert-auth},
 * and the binary protocol over the same TLS handler (TLS first, protocol detection after it).
 */
class TlsTest {
    @TempDir
    static Path pkiDir;

    private static TestPki pki;
    private static TestPki.Identity member;
    private static TestPki.Identity intruder;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(pkiDir);
        member = pki.issue("kv-member", "ip:127.0.0.1");
        intruder = pki.selfSigned("kv-intruder");
    }

    private static KvConfig.TlsFiles memberFiles() {
        return new KvConfig.TlsFiles(member.chain(), member.key(), pki.caCertificate());
    }

    private static KvHttpServer serve(FakeKvService service, boolean requireClientCertificates) {
        return TestServers.start(service, KvHttpServerOptions.builder()
                .tls(ClientPortTls.serverContext(memberFiles(), requireClientCertificates)));
    }

    /** An HTTPS client trusting the test CA, presenting {@code identity}'s certificate unless null. */
    private static HttpClient https(TestPki.Identity identity) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .sslContext(ClientPortTls.sslContext(pki.caCertificate(), identity == null ? null : identity.chain(),
                        identity == null ? null : identity.key()))
                .build();
    }

    private static HttpResponse<String> status(HttpClient client, String scheme, KvHttpServer server)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + server.address() + "/v1/status"))
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHttpsToClientsWithoutACertificateAndRefusesPlainHttp() throws Exception {
        try (KvHttpServer server = serve(new FakeKvService(), false)) {
            ApiClient client = new ApiClient("https", server.address(), https(null));
            assertThat(client.send("PUT", "/v1/kv/k", "secret").status()).isEqualTo(200);
            assertThat(client.get("/v1/kv/k").json()).containsEntry("value", "secret");

            assertThatThrownBy(() -> status(ApiClient.plainClient(), "http", server)).isInstanceOf(IOException.class);
            assertThat(client.get("/v1/status").status()).isEqualTo(200);
        }
    }

    @Test
    void aClientCertificateIsOptionalButCheckedWhenPresented() throws Exception {
        try (KvHttpServer server = serve(new FakeKvService(), false)) {
            assertThat(status(https(member), "https", server).statusCode()).isEqualTo(200);
            // A JDK client offers only a certificate of an issuer the server names, so the intruder's
            // comes in anonymously; one that presents it anyway (as openssl or curl do) is refused.
            assertThat(status(https(intruder), "https", server).statusCode()).isEqualTo(200);
            HttpClient insisting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).sslContext(alwaysPresenting(intruder)).build();
            assertThatThrownBy(() -> status(insisting, "https", server)).isInstanceOf(IOException.class);
        }
    }

    /** Trusts the test CA and presents {@code identity}'s certificate whatever issuers the server asks for. */
    private static SSLContext alwaysPresenting(TestPki.Identity identity) throws Exception {
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(identity.chain())) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(X509Certificate[]::new);
        }
        String base64 = Files.readString(identity.key()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(base64)));
        X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "client";
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "client";
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return chain;
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return key;
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }
        };
        return ((JdkSslContext) SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(pki.caCertificate().toFile()).keyManager(always).build()).context();
    }

    @Test
    void withClientCertAuthOnlyClientsWithACertificateOfTheCaAreServed() throws Exception {
        try (KvHttpServer server = serve(new FakeKvService(), true)) {
            assertThatThrownBy(() -> status(https(null), "https", server)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> status(https(intruder), "https", server)).isInstanceOf(IOException.class);
            // what members call each other's client ports with: it presents the member's certificate
            HttpClient memberClient = ClientPortTls.memberClient(Optional.of(memberFiles()), Duration.ofSeconds(5));
            assertThat(status(memberClient, "https", server).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theBinaryProtocolRunsOverTlsOnTheClientPort() throws Exception {
        try (KvHttpServer server = serve(new FakeKvService(), false);
                RpcClientTransport overTls = rpc(member)) {
            Endpoint endpoint = Endpoint.of("127.0.0.1", server.localAddress().getPort());

            KvPutReply put = KvPutReply.parseFrom(ok(send(overTls, endpoint, KvOperation.put("k", "over tls"),
                    RequestKind.WRITE)));
            assertThat(put.getSucceeded()).isTrue();
            KvGetReply got = KvGetReply.parseFrom(ok(send(overTls, endpoint, KvOperation.get("k"),
                    RequestKind.LINEARIZABLE_READ)));
            assertThat(got.getValue().toStringUtf8()).isEqualTo("over tls");
            // HTTPS still works on the same port
            assertThat(new ApiClient("https", server.address(), https(null)).get("/v1/kv/k").json())
                    .containsEntry("value", "over tls");
        }
    }

    /** The Java client's transport over TLS, trusting the test CA and presenting {@code identity}. */
    private static RpcClientTransport rpc(TestPki.Identity identity) {
        TlsSettings tls = TlsSettings.builder(identity.chain(), identity.key(), pki.caCertificate()).build();
        return new RpcClientTransport(ep -> RpcClientOptions.builder(ep.host(), ep.port()).ioThreads(1)
                .clientName("tls-test").tls(tls).build());
    }

    private static Reply send(RpcClientTransport rpc, Endpoint endpoint, KvOperation op, RequestKind kind)
            throws Exception {
        TransportRequest request = new TransportRequest(ByteBuffer.wrap(op.encode()), kind, false, Optional.empty(),
                1, 10_000);
        return rpc.send(endpoint, request).get(20, TimeUnit.SECONDS);
    }

    private static byte[] ok(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Ok.class);
        return ((Reply.Ok) reply).payloadBytes();
    }
}
