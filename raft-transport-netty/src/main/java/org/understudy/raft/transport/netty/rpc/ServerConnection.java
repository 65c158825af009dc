package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.understudy.raft.transport.netty.rpc.proto.RpcRequest;
import org.understudy.raft.transport.netty.rpc.proto.RpcResponse;

/**
 * The server's end of one connection after its hello: admits requests up to the in-flight cap,
 * hands them to the {@link CallDispatcher}, answers each exactly once (the handler's result, or
 * UNAVAILABLE at the deadline) and applies backpressure.
 *
 * <p><b>Backpressure.</b> Requests beyond {@code maxInFlight} wait here, and as soon as in-flight
 * plus waiting reach the cap, or the client stops reading its responses (the channel is not
 * writable), the connection stops reading ({@code autoRead} off): further requests stay in the
 * client's and the kernel's buffers, not in this server's heap. Reading resumes when the count is
 * below the cap again and the channel is writable. Netty stops its read loop as soon as autoRead is
 * off, so at most one read's worth of requests (64 KiB) can arrive after the pause.
 *
 * <p>Every field is confined to the channel's event loop.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
    private final CallDispatcher dispatcher;
    private final ConnectionLog connectionLog;
    private final RpcServerMetrics metrics;
    private final int maxInFlight;
    private final long idleTimeoutMillis;
    /** The subject of the client's verified certificate; null without one. */
    private final X500Principal client;
    private final ArrayDeque<ServerCall> waiting = new ArrayDeque<>();
    private final Set<ServerCall> inFlight = new HashSet<>();
    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean admitting;
    private boolean inactive;

    ServerConnection(CallDispatcher dispatcher, ConnectionLog connectionLog, RpcServerMetrics metrics, int maxInFlight,
            long idleTimeoutMillis, X500Principal client) {
        this.dispatcher = dispatcher;
        this.connectionLog = connectionLog;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RpcRequest request)) {
            ReferenceCountUtil.release(msg);
            connectionLog.close(ctx, CloseReason.PROTOCOL, "expected a request, got " + msg.getClass().getSimpleName());
            return;
        }
        if (inactive || ConnectionLog.closing(ctx)) {
            return;
        }
        if (request.getId() == 0) {
            // an answer with id 0 would match nothing: the client is broken or not ours
            connectionLog.close(ctx, CloseReason.PROTOCOL, "a request without an id (method '" + request.getMethod()
                    + "')");
            return;
        }
        ServerCall call = new ServerCall(request, ctx.channel().remoteAddress(), client, System.nanoTime());
        if (inFlight.size() < maxInFlight && waiting.isEmpty()) {
            admit(call);
        } else {
            waiting.add(call);
            metrics.queued().incrementAndGet();
        }
        updateReading();
    }

    private void admit(ServerCall call) {
        inFlight.add(call);
        metrics.inFlight().incrementAndGet();
        if (call.context().isExpired()) {
            answer(call, dispatcher.deadlinePassed(call, false)); // waited here past its deadline
            return;
        }
        if (call.context().hasDeadline()) {
            long delay = call.context().deadlineNanos() - System.nanoTime();
            call.deadlineTimer = ctx.executor().schedule(
                    () -> answer(call, dispatcher.deadlinePassed(call, call.started)), delay, TimeUnit.NANOSECONDS);
        }
        dispatcher.dispatch(call, ctx.executor(), response -> answer(call, response));
    }

    /** Writes the first answer for {@code call}, frees its slot and admits a waiting request. Event loop only. */
    private void answer(ServerCall call, RpcResponse response) {
        if (call.answered) {
            return;
        }
        call.answered = true;
        call.cancelTimer();
        if (inFlight.remove(call)) {
            metrics.inFlight().decrementAndGet();
        }
        metrics.answered(call.method(), response.hasError() ? response.getError().getCode() : "OK");
        if (inactive) {
            return;
        }
        // the flush consolidation handler turns many of these into one flush per event-loop turn
        ctx.writeAndFlush(response, ctx.voidPromise());
        admitWaiting();
    }

    /**
     * Admits waiting requests into free slots. Not reentrant: a request answered at once (an unknown
     * method) frees its slot inside {@link #admit}, and the outer loop takes the next one, so the
     * stack stays flat however many such requests wait.
     */
    private void admitWaiting() {
        if (admitting) {
            return;
        }
        admitting = true;
        try {
            while (inFlight.size() < maxInFlight && !waiting.isEmpty()) {
                metrics.queued().decrementAndGet();
                admit(waiting.poll());
            }
        } finally {
            admitting = false;
        }
        updateReading();
    }

    private void updateReading() {
        if (inactive) {
            return;
        }
        boolean full = inFlight.size() + waiting.size() >= maxInFlight || !ctx.channel().isWritable();
        if (full && !paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            metrics.paused();
        } else if (!full && paused) {
            paused = false;
            ctx.channel().config().setAutoRead(true); // also asks for a read
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && inFlight.isEmpty() && waiting.isEmpty()) {
            connectionLog.close(ctx, CloseReason.IDLE, "idle for " + idleTimeoutMillis + " ms with nothing in flight");
        } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            connectionLog.close(ctx, CloseReason.TLS, "TLS handshake failed: " + RpcErrors.describe(tls.cause()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connectionLog.failed(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        // handlers still running finish into the void; their timers and waiting requests go now
        for (ServerCall call : inFlight) {
            call.cancelTimer();
            call.answered = true;
        }
        metrics.inFlight().addAndGet(-inFlight.size());
        inFlight.clear();
        metrics.queued().addAndGet(-waiting.size());
        waiting.clear();
        ctx.fireChannelInactive();
    }
}
