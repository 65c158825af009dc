package org.understudy.raft.transport.netty.rpc;

import com.google.protobuf.ByteString;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.rpc.proto.RpcRequest;

/**
 * One call of an {@link RpcClient}, from {@code call()} to its outcome. Created on the caller's
 * thread; everything mutable is touched only on the client's event loop.
 */
final class PendingCall {
    final long id;
    final String method;
    final ByteString payload;
    final String requestKey;
    final long timeoutNanos;
    final long deadlineNanos;
    final CompletableFuture<ByteString> future = new CompletableFuture<>();
    /** Written to a connection: from now on a failure leaves its outcome unknown. Event loop only. */
    boolean sent;
    /** Completed (or failed): nothing more happens to it. Event loop only. */
    boolean done;
    ScheduledFuture<?> timer;

    PendingCall(long id, String method, ByteString payload, String requestKey, long timeoutNanos, long nowNanos) {
        this.id = id;
        this.method = method;
        this.payload = payload;
        this.requestKey = requestKey;
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = nowNanos + timeoutNanos;
    }

    /** The request, with the time left (at least 1 ms) as its timeout. */
    RpcRequest request(long nowNanos) {
        long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - nowNanos));
        return RpcRequest.newBuilder().setId(id).setMethod(method).setPayload(payload).setRequestKey(requestKey)
                .setTimeoutMs((int) Math.min(leftMillis, 0xFFFF_FFFFL)).build();
    }

    /** An upper bound of the request's encoded size (the timeout field at its largest). */
    static int maxEncodedSize(long id, String method, ByteString payload, String requestKey) {
        return RpcRequest.newBuilder().setId(id).setMethod(method).setPayload(payload).setRequestKey(requestKey)
                .setTimeoutMs(-1).build().getSerializedSize();
    }

    long timeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }
}
