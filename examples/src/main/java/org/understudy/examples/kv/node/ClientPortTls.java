package org.understudy.examples.kv.node;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.understudy.examples.kv.node.KvConfig.TlsFiles;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * TLS on a member's client port. raft-kv has one triplet of files ({@code --tls-cert},
 * {@code --tls-key}, {@code --tls-ca}) where etcd has two ({@code --cert-file} and
 * {@code --peer-cert-file}), so the triplet secures both ports: the peer port with mutual TLS, and
 * the client port (the HTTP API and the binary protocol, on one port) with the member's own
 * certificate.
 *
 * <p>On the client port a client certificate is asked for but not required: most clients of an
 * HTTP API (curl, {@code raft-kv ctl} with {@code --cacert} only) have none. One that is presented
 * must chain to {@code --tls-ca}, or the handshake fails ({@link ClientAuth#OPTIONAL}).
 * {@code --client-cert-auth} (etcd's name) makes it required.
 *
 * <p>Calls one member makes to another's client port (forwarding to the leader, publishing its
 * client URL) then go over {@code https}: they trust {@code --tls-ca} and present the member's
 * certificate, so they pass {@code --client-cert-auth} too. Member lists keep client URLs as
 * {@code host:port}; the scheme follows from TLS being on. The JDK client checks host names, so a
 * member's certificate must name its client address (a DNS or IP subject alternative name), as the
 * peer transport requires for the peer address.
 */
public final class ClientPortTls {

    private ClientPortTls() {}

    /** How members' client addresses are reached: {@code https} with TLS files, {@code http} without. */
    public static String scheme(Optional<TlsFiles> tls) {
        return tls.isPresent() ? "https" : "http";
    }

    /**
     * The server context of the client port: the member's certificate, client certificates
     * optional (checked against the CA when presented) or, with {@code requireClientCertificates},
     * required.
     *
     * @throws ConfigException naming the files when one is missing or unusable
     */
    public static SslContext serverContext(TlsFiles files, boolean requireClientCertificates) {
        try {
            return TlsSettings.builder(files.cert(), files.key(), files.ca())
                    .clientAuth(requireClientCertificates ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                    .build().serverContext();
        } catch (RuntimeException e) {
            throw new ConfigException("cannot use the TLS files for the client port (--tls-cert " + files.cert()
                    + ", --tls-key " + files.key() + ", --tls-ca " + files.ca() + "): " + e.getMessage(), e);
        }
    }

    /**
     * The HTTP/1.1 client a member calls other members' client ports with: plain without TLS files;
     * with them, trusting {@code --tls-ca} and presenting the member's certificate.
     *
     * @throws ConfigException naming the files when one is missing or unusable
     */
    public static HttpClient memberClient(Optional<TlsFiles> tls, Duration connectTimeout) {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout);
        tls.ifPresent(files -> client.sslContext(sslContext(files.ca(), files.cert(), files.key())));
        return client.build();
    }

    /**
     * A JDK {@link SSLContext} (what {@code java.net.http} takes) from PEM files: it trusts the CA
     * certificates in {@code ca} and, when {@code cert} and {@code key} are given, presents that
     * certificate to a server that asks for one. Netty reads the PEM (and PKCS#8 keys), as it does
     * for the ports.
     *
     * @param cert a certificate chain, or null for none (then {@code key} is null too)
     * @param key the PKCS#8 key of {@code cert}, or null
     * @throws ConfigException naming the file when one is missing or unusable
     */
    public static SSLContext sslContext(Path ca, Path cert, Path key) {
        List<Path> files = new ArrayList<>(List.of(ca));
        if (cert != null) {
            files.addAll(List.of(cert, key));
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new ConfigException("TLS file " + file + " does not exist or is not readable");
            }
        }
        try {
            SslContextBuilder context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(ca.toFile());
            if (cert != null) {
                context.keyManager(cert.toFile(), key.toFile());
            }
            return ((JdkSslContext) context.build()).context();
        } catch (Exception e) {
            throw new ConfigException("cannot use the TLS files " + files + " (PEM expected: CA certificates,"
                    + " a certificate chain and its PKCS#8 key): " + e.getMessage(), e);
        }
    }
}
