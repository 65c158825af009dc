package org.understudy.raft.transport.netty.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.understudy.raft.transport.netty.TransportException;

/**
 * The TLS material and policy of one node, read from PEM files.
 *
 * <ul>
 *   <li>{@code certificateChain}: this node's certificate, then any intermediates (PEM,
 *       {@code BEGIN CERTIFICATE} blocks). It is shown to peers when this node accepts a connection
 *       and, when the other side asks for it (mutual TLS), when it connects;</li>
 *   <li>{@code privateKey}: the key of that certificate, PKCS#8 PEM ({@code BEGIN PRIVATE KEY}, or
 *       {@code BEGIN ENCRYPTED PRIVATE KEY} with {@code keyPassword}). A PKCS#1
 *       {@code BEGIN RSA PRIVATE KEY} file needs converting first:
 *       {@code openssl pkcs8 -topk8 -nocrypt -in node.key -out node.pk8.pem};</li>
 *   <li>{@code trustedCertificates}: the CA certificate(s) that sign the cluster's certificates. A
 *       peer whose certificate does not chain to one of them is refused;</li>
 *   <li>{@code clientAuth}: what an accepting node asks of the connecting side.
 *       {@link ClientAuth#REQUIRE} (the default; {@code mutualTls(true)}) requires a certificate
 *       from a trusted CA and refuses the connection otherwise; {@link ClientAuth#NONE}
 *       ({@code mutualTls(false)}) asks for none, and only the accepting node proves who it is;
 *       {@link ClientAuth#OPTIONAL} asks for one and accepts a connection without it, but refuses
 *       a certificate that does not chain to a trusted CA (for a server whose clients mostly have
 *       no certificate, while the ones that have one are checked);</li>
 *   <li>{@code verifyHostname}: when on (the default), a connecting node also checks that the
 *       peer's certificate names the host it dialled (a DNS or IP subject alternative name), as
 *       HTTPS does. Turn it off only when certificates do not carry the peers' addresses and trust
 *       in the private CA is enough.</li>
 * </ul>
 *
 * <p>Only TLS 1.3 and 1.2 are enabled. Files are read when a context is built (the transport does
 * that once, in its constructor); a missing or malformed file fails with a
 * {@link TransportException} of kind {@link TransportException.Kind#TLS_MATERIAL} that names it.
 */
public final class TlsSettings {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final Path certificateChain;
    private final Path privateKey;
    private final String keyPassword;
    private final Path trustedCertificates;
    private final ClientAuth clientAuth;
    private final boolean verifyHostname;

    private TlsSettings(Builder b) {
        this.certificateChain = Objects.requireNonNull(b.certificateChain, "certificateChain");
        this.privateKey = Objects.requireNonNull(b.privateKey, "privateKey");
        this.trustedCertificates = Objects.requireNonNull(b.trustedCertificates, "trustedCertificates");
        this.keyPassword = b.keyPassword;
        this.clientAuth = b.clientAuth;
        this.verifyHostname = b.verifyHostname;
    }

    /**
     * Settings with mutual TLS and host name verification on.
     *
     * @param certificateChain this node's certificate chain, PEM
     * @param privateKey its PKCS#8 private key, PEM
     * @param trustedCertificates the CA certificate(s) peers must chain to, PEM
     */
    public static Builder builder(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return new Builder(certificateChain, privateKey, trustedCertificates);
    }

    public Path certificateChain() {
        return certificateChain;
    }

    public Path privateKey() {
        return privateKey;
    }

    public Path trustedCertificates() {
        return trustedCertificates;
    }

    /** Whether an accepting node requires the connecting side's certificate ({@link ClientAuth#REQUIRE}). */
    public boolean mutualTls() {
        return clientAuth == ClientAuth.REQUIRE;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /**
     * The context for connections this node accepts: presents the chain, and asks for a client
     * certificate that chains to the trusted CAs as {@link #clientAuth()} says.
     *
     * @throws TransportException of kind {@code TLS_MATERIAL} when a file is missing or malformed
     */
    public SslContext serverContext() {
        checkReadable();
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile(), keyPassword)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(trustedCertificates.toFile())
                    .clientAuth(clientAuth)
                    .build();
        } catch (Exception e) {
            throw unusable("server", e);
        }
    }

    /**
     * The context for connections this node opens: trusts the CAs, presents the chain when the
     * peer asks for it, and verifies the peer's host name if so configured. Create handlers with
     * {@code newHandler(alloc, host, port)} so that the host is known to the verification.
     *
     * @throws TransportException of kind {@code TLS_MATERIAL} when a file is missing or malformed
     */
    public SslContext clientContext() {
        checkReadable();
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(trustedCertificates.toFile())
                    .keyManager(certificateChain.toFile(), privateKey.toFile(), keyPassword)
                    // Netty 4.2 verifies host names by default; say explicitly what we want either way.
                    .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null)
                    .build();
        } catch (Exception e) {
            throw unusable("client", e);
        }
    }

    private void checkReadable() {
        for (Path p : List.of(certificateChain, privateKey, trustedCertificates)) {
            if (!Files.isReadable(p)) {
                throw new TransportException(TransportException.Kind.TLS_MATERIAL,
                        "TLS file " + p.toAbsolutePath() + " does not exist or is not readable", null);
            }
        }
    }

    private TransportException unusable(String side, Exception e) {
        return new TransportException(TransportException.Kind.TLS_MATERIAL, "cannot build the TLS " + side
                + " context from certificate chain " + certificateChain + ", private key " + privateKey
                + " and trusted certificates " + trustedCertificates
                + " (PEM expected; the key must be PKCS#8): " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "TlsSettings{chain=" + certificateChain + ", key=" + privateKey + ", trusted=" + trustedCertificates
                 + ", clientAuth=" + clientAuth + ", verifyHostname=" + verifyHostname + "}";
    }

    /** Builds {@link TlsSettings}. */
    public static final class Builder {
        private final Path certificateChain;
        private final Path privateKey;
        private final Path trustedCertificates;
        private String keyPassword;
        private ClientAuth clientAuth = ClientAuth.REQUIRE;
        private boolean verifyHostname = true;

        private Builder(Path certificateChain, Path privateKey, Path trustedCertificates) {
            this.certificateChain = certificateChain;
            this.privateKey = privateKey;
            this.trustedCertificates = trustedCertificates;
        }

        /** The password of an encrypted PKCS#8 key ({@code null}, the default, for a plain one). */
        public Builder keyPassword(String v) { this.keyPassword = v; return this; }
        /** Require peers to present a certificate from a trusted CA (default on): {@code clientAuth(REQUIRE)}, or {@code NONE} when off. */
        public Builder mutualTls(boolean v) { this.clientAuth = v ? ClientAuth.REQUIRE : ClientAuth.NONE; return this; }
        /** What an accepting node asks of the connecting side (default {@link ClientAuth#REQUIRE}); see the class documentation. */
        public Builder clientAuth(ClientAuth v) { this.clientAuth = Objects.requireNonNull(v, "clientAuth"); return this; }
        /** Check that a peer's certificate names the host dialled (default on). */
        public Builder verifyHostname(boolean v) { this.verifyHostname = v; return this; }

        public TlsSettings build() {
            return new TlsSettings(this);
        }
    }
}
