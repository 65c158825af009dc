package org.understudy.raft.transport.netty.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.understudy.raft.transport.netty.frame.FrameFormat;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/** The knobs of an {@link RpcClient}; everything but the address has a default. Immutable. */
public final class RpcClientOptions {
    private final String host;
    private final int port;
    private final TlsSettings tls;
    private final Duration connectTimeout;
    private final int maxFrameBytes;
    private final int maxPendingCalls;
    private final Duration reconnectBackoffMin;
    private final Duration reconnectBackoffMax;
    private final Duration idleTimeout;
    private final int ioThreads;
    private final boolean preferNativeTransport;
    private final Executor callbackExecutor;
    private final String clientName;

    private RpcClientOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls;
        this.connectTimeout = positive(b.connectTimeout, "connectTimeout");
        this.maxFrameBytes = FrameFormat.checkMaxFrameBytes(b.maxFrameBytes);
        this.maxPendingCalls = positive(b.maxPendingCalls, "maxPendingCalls");
        this.reconnectBackoffMin = positive(b.reconnectBackoffMin, "reconnectBackoff min");
        this.reconnectBackoffMax = positive(b.reconnectBackoffMax, "reconnectBackoff max");
        this.idleTimeout = positive(b.idleTimeout, "idleTimeout");
        this.ioThreads = positive(b.ioThreads, "ioThreads");
        this.preferNativeTransport = b.preferNativeTransport;
        this.callbackExecutor = Objects.requireNonNull(b.callbackExecutor, "callbackExecutor");
        this.clientName = Objects.requireNonNull(b.clientName, "clientName");
        if (clientName.length() > RpcProtocol.MAX_CLIENT_NAME_CHARS) {
            throw new IllegalArgumentException("clientName must be at most " + RpcProtocol.MAX_CLIENT_NAME_CHARS
                    + " characters (it travels in the hello), got " + clientName.length());
        }
        if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoff max " + reconnectBackoffMax + " is below min "
                    + reconnectBackoffMin);
        }
    }

    /** Options for a server at {@code host:port} (an IP literal or a name, resolved at each connect). */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * Options for a server at {@code host:port}, {@code [ipv6]:port}; an {@code http://} or
     * {@code https://} prefix is ignored (RAFT-KV.md accepts it for URLs).
     *
     * @throws IllegalArgumentException if it does not parse
     */
    public static Builder builder(String hostAndPort) {
        String s = Objects.requireNonNull(hostAndPort, "hostAndPort").trim().replaceFirst("^https?://", "");
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + hostAndPort + "' is not host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + hostAndPort + "': write an IPv6 address as [address]:port");
        }
        try {
            return new Builder(host, Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + hostAndPort + "' has no numeric port", e);
        }
    }

    public String host() { return host; }
    public int port() { return port; }
    public TlsSettings tls() { return tls; }
    public Duration connectTimeout() { return connectTimeout; }
    public int maxFrameBytes() { return maxFrameBytes; }
    public int maxPendingCalls() { return maxPendingCalls; }
    public Duration reconnectBackoffMin() { return reconnectBackoffMin; }
    public Duration reconnectBackoffMax() { return reconnectBackoffMax; }
    public Duration idleTimeout() { return idleTimeout; }
    public int ioThreads() { return ioThreads; }
    public boolean preferNativeTransport() { return preferNativeTransport; }
    public Executor callbackExecutor() { return callbackExecutor; }
    public String clientName() { return clientName; }

    /** {@code host:port}, {@code [v6]:port}. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
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

    /** Builds {@link RpcClientOptions}; the setters document the defaults. */
    public static final class Builder {
        private final String host;
        private final int port;
        private TlsSettings tls;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxFrameBytes = RpcServerOptions.DEFAULT_MAX_FRAME_BYTES;
        private int maxPendingCalls = 10_000;
        private Duration reconnectBackoffMin = Duration.ofMillis(100);
        private Duration reconnectBackoffMax = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofMinutes(1);
        private int ioThreads = 1;
        private boolean preferNativeTransport = true;
        private Executor callbackExecutor = ForkJoinPool.commonPool();
        private String clientName = "understudy-java";

        private Builder(String host, int port) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("the server host must not be empty");
            }
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("the server port must be in 1..65535, got " + port);
            }
            this.host = host;
            this.port = port;
        }

        /** TLS towards the server (with a client certificate, shown if the server asks); default none. */
        public Builder tls(TlsSettings v) { this.tls = v; return this; }
        /** TCP connect, TLS handshake and hello each; default 5 s. */
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
        /** The largest frame read or written; default 4 MiB. A larger request fails {@code BAD_REQUEST} at once. */
        public Builder maxFrameBytes(int v) { this.maxFrameBytes = v; return this; }
        /** Calls that may be outstanding at once; more fail {@code UNAVAILABLE} at once; default 10,000. */
        public Builder maxPendingCalls(int v) { this.maxPendingCalls = v; return this; }
        /**
         * After a failed connection attempt, calls fail fast for a delay that doubles from {@code min}
         * to {@code max} (uniform jitter in [d/2, d]); the next call after it tries again. Default
         * 100 ms to 5 s. A connection that worked and was lost is retried at the next call at once.
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }
        /**
         * The client closes its connection after this long without traffic and nothing pending;
         * default 1 minute (below the server's 2 minutes, so that the client, not the server, ends
         * an idle connection and no request can cross the server's close).
         */
        public Builder idleTimeout(Duration v) { this.idleTimeout = v; return this; }
        /** Event loops of this client; default 1 (one connection needs one). */
        public Builder ioThreads(int v) { this.ioThreads = v; return this; }
        /** Epoll when available (default true); false forces NIO. */
        public Builder preferNativeTransport(boolean v) { this.preferNativeTransport = v; return this; }
        /**
         * Where calls' futures are completed, so that code chained on them never runs on (and never
         * blocks) the event loop; default {@link ForkJoinPool#commonPool()}. {@code Runnable::run}
         * completes them on the event loop: fastest, for callers whose continuations never block.
         */
        public Builder callbackExecutor(Executor v) { this.callbackExecutor = v; return this; }
        /** Sent in the hello for the server's log, at most 1024 characters; default {@code understudy-java}. */
        public Builder clientName(String v) { this.clientName = v; return this; }

        public RpcClientOptions build() {
            return new RpcClientOptions(this);
        }
    }
}
