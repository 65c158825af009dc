package org.understudy.raft.transport.netty.rpc;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/** What a handler knows about the request it serves, besides its payload. Immutable. */
public final class RpcContext {
    private final String method;
    private final long requestId;
    private final SocketAddress remoteAddress;
    private final X500Principal peerPrincipal;
    private final String requestKey;
    private final long deadlineNanos;
    private final boolean hasDeadline;

    /**
     * @param deadlineNanos the deadline on the {@link System#nanoTime()} clock (ignored without one)
     */
    RpcContext(String method, long requestId, SocketAddress remoteAddress, X500Principal peerPrincipal,
            String requestKey, boolean hasDeadline, long deadlineNanos) {
        this.method = method;
        this.requestId = requestId;
        this.remoteAddress = remoteAddress;
        this.peerPrincipal = peerPrincipal;
        this.requestKey = requestKey;
        this.hasDeadline = hasDeadline;
        this.deadlineNanos = deadlineNanos;
    }

    /** The method name the request asked for. */
    public String method() {
        return method;
    }

    /** The request's id on its connection (for logs: ids are only unique per connection). */
    public long requestId() {
        return requestId;
    }

    /** The client's address as the server sees it. */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * The subject of the client's certificate, verified against the server's trusted CAs during the
     * TLS handshake (e.g. {@code CN=billing-service,O=Example}; {@link X500Principal#getName()} gives
     * the RFC 2253 form). Present whenever the server runs mutual TLS (a client without a verified
     * certificate never gets as far as a handler), and with optional client certificates when the
     * client presented one; empty over plain TCP and with server-only TLS, where the server asks
     * for no certificate. An authorization check belongs in the handler: the
     * transport only says who it is, not what they may do.
     */
    public Optional<X500Principal> peerPrincipal() {
        return Optional.ofNullable(peerPrincipal);
    }

    /** The client's key for this operation across retries, if it sent one (see {@code rpc.proto}). */
    public Optional<String> requestKey() {
        return requestKey.isEmpty() ? Optional.empty() : Optional.of(requestKey);
    }

    /** Time left until the deadline (zero once passed); empty when the request has no deadline. */
    public Optional<Duration> timeRemaining() {
        if (!hasDeadline) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    /** Whether the deadline has passed: the client has been (or is about to be) answered {@code UNAVAILABLE}. */
    public boolean isExpired() {
        return hasDeadline && System.nanoTime() - deadlineNanos >= 0;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    boolean hasDeadline() {
        return hasDeadline;
    }

    @Override
    public String toString() {
        return "RpcContext{" + method + " #" + requestId + " from " + remoteAddress + "}";
    }
}
