package org.understudy.raft.transport.netty.rpc;

import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.understudy.raft.transport.netty.rpc.proto.RpcRequest;

/**
 * One request on the server, from the frame that carried it to its answer. The deadline counts
 * from receipt (the client's timeout, in {@code timeout_ms}). Fields other than the immutable ones
 * are touched only on the connection's event loop.
 */
final class ServerCall {
    private final RpcRequest request;
    private final RpcContext context;
    private final long receivedNanos;
    /** Set once the response (or error) is written: later results are dropped. Event loop only. */
    boolean answered;
    /** Set by the handler thread when the handler is called (read by the deadline timer). */
    volatile boolean started;
    /** Answers UNAVAILABLE at the deadline if nothing else did. Event loop only. */
    ScheduledFuture<?> deadlineTimer;

    ServerCall(RpcRequest request, SocketAddress remote, X500Principal client, long receivedNanos) {
        this.request = request;
        this.receivedNanos = receivedNanos;
        boolean hasDeadline = request.getTimeoutMs() != 0;
        long deadline = receivedNanos + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(request.getTimeoutMs()));
        this.context = new RpcContext(request.getMethod(), request.getId(), remote, client,
                request.getRequestKey(), hasDeadline, deadline);
    }

    RpcRequest request() {
        return request;
    }

    RpcContext context() {
        return context;
    }

    long id() {
        return request.getId();
    }

    String method() {
        return request.getMethod();
    }

    /** The client's timeout, for messages. */
    long timeoutMillis() {
        return Integer.toUnsignedLong(request.getTimeoutMs());
    }

    long receivedNanos() {
        return receivedNanos;
    }

    void cancelTimer() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
            deadlineTimer = null;
        }
    }
}
