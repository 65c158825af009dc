package org.understudy.raft.transport.netty.rpc;

import com.google.protobuf.ByteString;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one RPC method of an {@link RpcServer}.
 *
 * <p>Called on the server's handler executor (never on a Netty event loop), so it may block
 * briefly, but it should return its future quickly and complete it later: the executor is bounded
 * and a busy one answers further requests {@code UNAVAILABLE}.
 *
 * <p>The returned future decides the answer: a payload is sent back as is; a
 * {@link org.understudy.raft.RaftException} is sent as its code, message and details (so a
 * {@code NOT_LEADER} keeps its leader hint); any other failure (or an exception thrown right away,
 * or a {@code null} future) is answered {@code UNAVAILABLE} with the exception's class and message,
 * and logged. If the request's deadline passes first the client has been answered
 * {@code UNAVAILABLE} already and the late result is dropped; {@link RpcContext#isExpired()} lets a
 * long handler give up early.
 */
@FunctionalInterface
public interface RpcHandler {
    /**
     * @param context the request's method, id, deadline, optional request key and the client's address
     * @param request the request payload, opaque to the RPC layer
     * @return the response payload, later
     */
    CompletableFuture<ByteString> handle(RpcContext context, ByteString request);
}
