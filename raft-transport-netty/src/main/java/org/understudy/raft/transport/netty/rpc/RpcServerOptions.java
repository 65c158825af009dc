package org.understudy.raft.transport.netty.rpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.understudy.raft.transport.netty.frame.FrameFormat;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * The knobs of an {@link RpcServer}; every one has a default (see the builder's setters and the
 * README's table). Immutable.
 */
public final class RpcServerOptions {
    /** Default largest frame: 4 MiB, enough for client commands (the Raft log limits entries anyway). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;

    private final String name;
    private final String listenHost;
    private final int listenPort;
    private final TlsSettings tls;
    private final int maxFrameBytes;
    private final int maxInFlightPerConnection;
    private final Duration idleTimeout;
    private final Duration helloTimeout;
    private final int ioThreads;
    private final boolean preferNativeTransport;
    private final Executor handlerExecutor;
    private final int handlerThreads;
    private final int handlerQueueCapacity;
    private final MeterRegistry meterRegistry;

    private RpcServerOptions(Builder b) {
        this.name = requireText(b.name, "name");
        this.listenHost = requireText(b.listenHost, "listenHost");
        this.listenPort = b.listenPort;
        this.tls = b.tls;
        this.maxFrameBytes = FrameFormat.checkMaxFrameBytes(b.maxFrameBytes);
        this.maxInFlightPerConnection = positive(b.maxInFlightPerConnection, "maxInFlightPerConnection");
        this.idleTimeout = positive(b.idleTimeout, "idleTimeout");
        this.helloTimeout = positive(b.helloTimeout, "helloTimeout");
        this.ioThreads = positive(b.ioThreads, "ioThreads");
        this.preferNativeTransport = b.preferNativeTransport;
        this.handlerExecutor = b.handlerExecutor;
        this.handlerThreads = positive(b.handlerThreads, "handlerThreads");
        this.handlerQueueCapacity = positive(b.handlerQueueCapacity, "handlerQueueCapacity");
        this.meterRegistry = Objects.requireNonNull(b.meterRegistry, "meterRegistry");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort must be in 0..65535, got " + listenPort);
        }
    }

    /** Options with every default: loopback, an OS-chosen port, no TLS. */
    public static Builder builder() {
        return new Builder();
    }

    public String name() { return name; }
    public String listenHost() { return listenHost; }
    public int listenPort() { return listenPort; }
    /** The TLS settings, or null for plain TCP. */
    public TlsSettings tls() { return tls; }
    public int maxFrameBytes() { return maxFrameBytes; }
    public int maxInFlightPerConnection() { return maxInFlightPerConnection; }
    public Duration idleTimeout() { return idleTimeout; }
    public Duration helloTimeout() { return helloTimeout; }
    public int ioThreads() { return ioThreads; }
    public boolean preferNativeTransport() { return preferNativeTransport; }
    /** The executor handlers run on, or null for the server's own bounded pool. */
    public Executor handlerExecutor() { return handlerExecutor; }
    public int handlerThreads() { return handlerThreads; }
    public int handlerQueueCapacity() { return handlerQueueCapacity; }
    public MeterRegistry meterRegistry() { return meterRegistry; }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return s;
    }

    private static int positive(int v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
        return v;
    }

    private static Duration positive(Duration v, String what) {
        if (v == null || v.isNegative() || v.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
        return v;
    }

    /** Builds {@link RpcServerOptions}; the setters document the defaults. */
    public static final class Builder {
        private String name = "rpc";
        private String listenHost = "127.0.0.1";
        private int listenPort = 0;
        private TlsSettings tls;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxInFlightPerConnection = 128;
        private Duration idleTimeout = Duration.ofMinutes(2);
        private Duration helloTimeout = Duration.ofSeconds(10);
        private int ioThreads = 2;
        private boolean preferNativeTransport = true;
        private Executor handlerExecutor;
        private int handlerThreads = 8;
        private int handlerQueueCapacity = 1024;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {}

        /** Names threads ({@code understudy-rpc-<name>-*}) and meters ({@code server=<name>}); default {@code rpc}. */
        public Builder name(String v) { this.name = v; return this; }
        /** Where to listen; default {@code 127.0.0.1} and port 0 (any free port: see {@link RpcServer#localAddress()}). */
        public Builder listen(String host, int port) { this.listenHost = host; this.listenPort = port; return this; }
        /** TLS, or mutual TLS if the settings say so; default none. */
        public Builder tls(TlsSettings v) { this.tls = v; return this; }
        /** The largest frame read or written; default 4 MiB. A longer length prefix closes the connection. */
        public Builder maxFrameBytes(int v) { this.maxFrameBytes = v; return this; }
        /**
         * How many requests of one connection are handled at once; default 128. When as many are in
         * flight (or the client does not read its responses) the server stops reading that connection
         * until some are answered, so a fast client cannot make the server buffer without bound.
         */
        public Builder maxInFlightPerConnection(int v) { this.maxInFlightPerConnection = v; return this; }
        /**
         * A connection with nothing in flight that sends nothing for this long is closed; default 2
         * minutes. Keep it above the clients' {@code idleTimeout} (1 minute by default), so that
         * clients close their idle connections first and never race a close with a new request.
         */
        public Builder idleTimeout(Duration v) { this.idleTimeout = v; return this; }
        /** How long a new connection (TCP and TLS) may take to send its hello; default 10 s. */
        public Builder helloTimeout(Duration v) { this.helloTimeout = v; return this; }
        /** Event loops for all connections; default 2. */
        public Builder ioThreads(int v) { this.ioThreads = v; return this; }
        /** Epoll when available (default true); false forces NIO. */
        public Builder preferNativeTransport(boolean v) { this.preferNativeTransport = v; return this; }
        /**
         * Where handlers run; default null: the server's own pool of {@link #handlerThreads} daemon
         * threads with a queue of {@link #handlerQueueCapacity}, shut down with the server. A
         * request the executor rejects is answered {@code UNAVAILABLE} (overloaded). An executor
         * given here is not shut down by the server. Handlers that never block may run on the event
         * loop with {@code Runnable::run}.
         */
        public Builder handlerExecutor(Executor v) { this.handlerExecutor = v; return this; }
        /** Threads of the default handler pool; default 8. */
        public Builder handlerThreads(int v) { this.handlerThreads = v; return this; }
        /** Requests that may wait for a thread of the default handler pool; default 1024. */
        public Builder handlerQueueCapacity(int v) { this.handlerQueueCapacity = v; return this; }
        /** Where meters go; default {@code Metrics.globalRegistry}. */
        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = v; return this; }

        public RpcServerOptions build() {
            return new RpcServerOptions(this);
        }
    }
}
