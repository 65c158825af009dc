package org.understudy.raft.transport.netty.rpc;

import org.understudy.raft.transport.netty.support.LogThrottle;
import com.google.protobuf.ByteString;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.rpc.proto.RpcResponse;

/**
 * Runs requests' handlers off the event loop and turns their outcome into a response. Shared by
 * every connection of a server. The response is handed back on the connection's event loop, which
 * alone writes to the channel and keeps the in-flight count.
 */
final class CallDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CallDispatcher.class);

    private final String server;
    private final Map<String, RpcHandler> handlers;
    private final Executor executor;
    private final int maxFrameBytes;
    private final LogThrottle failureLog = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle lateLog = new LogThrottle(10, TimeUnit.SECONDS);

    CallDispatcher(String server, Map<String, RpcHandler> handlers, Executor executor, int maxFrameBytes) {
        this.server = server;
        this.handlers = Map.copyOf(handlers);
        this.executor = executor;
        this.maxFrameBytes = maxFrameBytes;
    }

    Set<String> methods() {
        return handlers.keySet();
    }

    /**
     * Starts {@code call}: unknown methods are answered at once, known ones go to the executor.
     * Called on the event loop {@code loop}; {@code answer} is always called there too.
     */
    void dispatch(ServerCall call, EventExecutor loop, Consumer<RpcResponse> answer) {
        RpcHandler handler = handlers.get(call.method());
        if (handler == null) {
            answer.accept(error(call, new RaftException(ErrorCode.BAD_REQUEST, "unknown method '" + call.method()
                    + "'; this server serves " + new TreeSet<>(handlers.keySet()))));
            return;
        }
        try {
            executor.execute(() -> run(handler, call, loop, answer));
        } catch (RejectedExecutionException e) {
            answer.accept(error(call, RpcErrors.unavailable("the server is overloaded: no handler thread free for '"
                    + call.method() + "'; retry later", RpcErrors.NOT_EXECUTED)));
        }
    }

    private void run(RpcHandler handler, ServerCall call, EventExecutor loop, Consumer<RpcResponse> answer) {
        if (call.context().isExpired()) {
            return; // nobody waits any more: the deadline timer answers, and the work is not started
        }
        call.started = true;
        CompletableFuture<ByteString> result;
        try {
            result = handler.handle(call.context(), call.request().getPayload());
            if (result == null) {
                throw new NullPointerException("the handler of '" + call.method() + "' returned no future");
            }
        } catch (Throwable t) {
            result = CompletableFuture.failedFuture(t);
        }
        result.whenComplete((payload, failure) -> {
            RpcResponse response = failure == null ? success(call, payload) : handlerFailed(call, failure);
            try {
                loop.execute(() -> answer.accept(response));
            } catch (RejectedExecutionException closed) {
                // the server is closing; the client sees its connection close
            }
        });
    }

    private RpcResponse success(ServerCall call, ByteString payload) {
        if (payload == null) {
            return handlerFailed(call, new NullPointerException("the handler of '" + call.method()
                    + "' completed with null"));
        }
        RpcResponse response = RpcResponse.newBuilder().setId(call.id()).setPayload(payload).build();
        if (response.getSerializedSize() > maxFrameBytes) {
            return error(call, RpcErrors.unavailable("the response to '" + call.method() + "' has "
                    + response.getSerializedSize() + " bytes, above the server's maximum frame of " + maxFrameBytes
                    + " bytes", RpcErrors.UNKNOWN));
        }
        return response;
    }

    private RpcResponse handlerFailed(ServerCall call, Throwable failure) {
        RaftException error = RpcErrors.fromHandlerFailure(call.method(), failure);
        if (RpcErrors.unwrap(failure) != error && failureLog.allow()) {
            log.warn("rpc server {}: the handler of '{}' failed (answered UNAVAILABLE; logged once per 10 s)", server,
                    call.method(), RpcErrors.unwrap(failure));
        }
        return error(call, error);
    }

    /** Answer for a request whose deadline passed: before its handler started, or while it ran. */
    RpcResponse deadlinePassed(ServerCall call, boolean started) {
        if (started && lateLog.allow()) {
            log.debug("rpc server {}: '{}' #{} from {} passed its deadline of {} ms while being handled", server,
                    call.method(), call.id(), call.context().remoteAddress(), call.timeoutMillis());
        }
        return error(call, RpcErrors.unavailable(started
                ? "the deadline of " + call.timeoutMillis() + " ms passed while the server handled '" + call.method()
                        + "'; the outcome is unknown"
                : "the deadline of " + call.timeoutMillis() + " ms passed before the server could start '"
                        + call.method() + "' (overloaded); it was not carried out",
                started ? RpcErrors.UNKNOWN : RpcErrors.NOT_EXECUTED));
    }

    static RpcResponse error(ServerCall call, RaftException e) {
        return RpcResponse.newBuilder().setId(call.id()).setError(RpcErrors.toWire(e)).build();
    }
}
