package org.understudy.examples.kv.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import org.understudy.raft.transport.netty.peer.IoKind;

/**
 * The knobs of a {@link KvHttpServer}; every one has a default (see the builder). Immutable.
 *
 * <p>TLS: pass a server {@link SslContext}, e.g. built from the {@code --tls-cert/--tls-key/--tls-ca}
 * files with raft-transport-netty's {@code TlsSettings.builder(cert, key, ca).clientAuth(ClientAuth.OPTIONAL)
 * .build().serverContext()} (clients of the HTTP API usually have no certificate of their own;
 * keep mutual TLS for the peer port), as raft-kv's {@code node.ClientPortTls} does; and then a
 * {@link Builder#forwardClient} that trusts the same CA with {@link Builder#forwardScheme}
 * {@code https}, since the leader's client port speaks TLS too.
 */
public final class KvHttpServerOptions {
    /** Default largest request body: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    private final String name;
    private final String host;
    private final int port;
    private final SslContext tls;
    private final int maxBodyBytes;
    private final int ioThreads;
    private final boolean preferNativeTransport;
    private final EventLoopGroup eventLoops;
    private final IoKind eventLoopsKind;
    private final Duration idleTimeout;
    private final Duration drainTimeout;
    private final HttpClient forwardClient;
    private final String forwardScheme;
    private final Duration forwardTimeout;
    private final boolean binaryRpc;
    private final MeterRegistry meterRegistry;

    private KvHttpServerOptions(Builder b) {
        if (b.name == null || b.name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (b.host == null || b.host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (b.port < 0 || b.port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + b.port);
        }
        if (b.maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + b.maxBodyBytes);
        }
        if (b.ioThreads <= 0) {
            throw new IllegalArgumentException("ioThreads must be positive, got " + b.ioThreads);
        }
        if (!"http".equals(b.forwardScheme) && !"https".equals(b.forwardScheme)) {
            throw new IllegalArgumentException("forwardScheme must be http or https, got " + b.forwardScheme);
        }
        this.name = b.name;
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls;
        this.maxBodyBytes = b.maxBodyBytes;
        this.ioThreads = b.ioThreads;
        this.preferNativeTransport = b.preferNativeTransport;
        this.eventLoops = b.eventLoops;
        this.eventLoopsKind = b.eventLoopsKind;
        this.idleTimeout = positive(b.idleTimeout, "idleTimeout");
        this.drainTimeout = positive(b.drainTimeout, "drainTimeout");
        this.forwardClient = b.forwardClient;
        this.forwardScheme = b.forwardScheme;
        this.forwardTimeout = positive(b.forwardTimeout, "forwardTimeout");
        this.binaryRpc = b.binaryRpc;
        this.meterRegistry = b.meterRegistry;
    }

    /** Options with every default: 127.0.0.1, an OS-chosen port, no TLS, 1 MiB bodies. */
    public static Builder builder() {
        return new Builder();
    }

    public String name() { return name; }
    public String host() { return host; }
    public int port() { return port; }
    /** The server TLS context, or null for plain HTTP. */
    public SslContext tls() { return tls; }
    public int maxBodyBytes() { return maxBodyBytes; }
    public int ioThreads() { return ioThreads; }
    public boolean preferNativeTransport() { return preferNativeTransport; }
    /** A shared event-loop group (not shut down by the server), or null for the server's own. */
    public EventLoopGroup eventLoops() { return eventLoops; }
    /** The kind of {@link #eventLoops()}, which decides the channel classes. */
    public IoKind eventLoopsKind() { return eventLoopsKind; }
    public Duration idleTimeout() { return idleTimeout; }
    public Duration drainTimeout() { return drainTimeout; }
    /** The client that forwards to the leader, or null for the server's own plain one. */
    public HttpClient forwardClient() { return forwardClient; }
    public String forwardScheme() { return forwardScheme; }
    public Duration forwardTimeout() { return forwardTimeout; }
    public boolean binaryRpc() { return binaryRpc; }
    public MeterRegistry meterRegistry() { return meterRegistry; }

    private static Duration positive(Duration v, String what) {
        if (v == null || v.isNegative() || v.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
        return v;
    }

    /** Builds {@link KvHttpServerOptions}; the setters document the defaults. */
    public static final class Builder {
        private String name = "kv-http";
        private String host = "127.0.0.1";
        private int port;
        private SslContext tls;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int ioThreads = 2;
        private boolean preferNativeTransport = true;
        private EventLoopGroup eventLoops;
        private IoKind eventLoopsKind;
        private Duration idleTimeout = Duration.ofMinutes(2);
        private Duration drainTimeout = Duration.ofSeconds(5);
        private HttpClient forwardClient;
        private String forwardScheme = "http";
        private Duration forwardTimeout = Duration.ofSeconds(15);
        private boolean binaryRpc = true;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {}

        /** Names the threads ({@code understudy-<name>-io-*}) and log lines; default {@code kv-http}. */
        public Builder name(String v) { this.name = v; return this; }
        /** Where to listen; default {@code 127.0.0.1} and port 0 (any free port: see {@link KvHttpServer#localAddress()}). */
        public Builder listen(String host, int port) { this.host = host; this.port = port; return this; }
        /** Serve HTTPS with this server context; default null (plain HTTP). */
        public Builder tls(SslContext v) { this.tls = v; return this; }
        /** The largest request body; default 1 MiB. A larger one is answered 413 {@code PAYLOAD_TOO_LARGE} and the connection closes. */
        public Builder maxBodyBytes(int v) { this.maxBodyBytes = v; return this; }
        /** Event loops of the server's own group; default 2. Ignored with {@link #eventLoops}. */
        public Builder ioThreads(int v) { this.ioThreads = v; return this; }
        /** Epoll when available (default true); false forces NIO. Ignored with {@link #eventLoops}. */
        public Builder preferNativeTransport(boolean v) { this.preferNativeTransport = v; return this; }
        /** Run on a shared group of the given kind instead of an own one; the server never shuts it down. */
        public Builder eventLoops(EventLoopGroup group, IoKind kind) {
            this.eventLoops = Objects.requireNonNull(group, "group");
            this.eventLoopsKind = Objects.requireNonNull(kind, "kind");
            return this;
        }
        /** A connection with no request for this long is closed; default 2 minutes. */
        public Builder idleTimeout(Duration v) { this.idleTimeout = v; return this; }
        /**
         * After answering 413, how long the server keeps reading (and dropping) the rest of the
         * too-large body before it closes; default 5 s. Closing at once would make the client's
         * TCP stack see a reset, and many clients then lose the answer.
         */
        public Builder drainTimeout(Duration v) { this.drainTimeout = v; return this; }
        /** The client for forwarding to the leader (e.g. one with an SSLContext for https); default: an own HTTP/1.1 client. */
        public Builder forwardClient(HttpClient v) { this.forwardClient = v; return this; }
        /** {@code http} (default) or {@code https}: how the leader's client URL is reached. */
        public Builder forwardScheme(String v) { this.forwardScheme = v; return this; }
        /** How long a forwarded request may take before the client gets 503; default 15 s. */
        public Builder forwardTimeout(Duration v) { this.forwardTimeout = v; return this; }

        /**
         * Also serve the binary protocol of the Java client ({@code kv_rpc.proto}) on this port,
         * told apart from HTTP by a connection's first byte; default true.
         */
        public Builder binaryRpc(boolean v) { this.binaryRpc = v; return this; }
        /** Where the binary protocol's meters go ({@code understudy.rpc.*}); default {@code Metrics.globalRegistry}. */
        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = Objects.requireNonNull(v, "meterRegistry"); return this; }

        public KvHttpServerOptions build() {
            return new KvHttpServerOptions(this);
        }
    }
}
