package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.rpc.proto.RpcHelloReply;
import org.understudy.raft.transport.netty.rpc.proto.RpcResponse;

/**
 * The client's end of one connection: sends the hello, waits (up to the connect timeout) for the
 * reply, then passes responses to the {@link ClientConnection}. Errors close the channel; the
 * connection learns why from {@link #channelInactive}, with the last error seen (a TLS alert, a
 * malformed frame) as the cause.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final ClientConnection connection;
    private final RpcClientOptions options;
    private ScheduledFuture<?> helloTimer;
    private boolean helloAnswered;
    private Throwable lastError;

    ClientHandler(ClientConnection connection, RpcClientOptions options) {
        this.connection = connection;
        this.options = options;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // the TLS handler holds this until its handshake is done
        ctx.writeAndFlush(RpcProtocol.hello(options.clientName()), ctx.voidPromise());
        long timeout = options.connectTimeout().toNanos();
        helloTimer = ctx.executor().schedule(() -> connection.setupFailed(ctx.channel(), "no answer to the hello within "
                + options.connectTimeout().toMillis() + " ms" + (lastError == null ? ""
                : " (" + RpcErrors.describe(lastError) + ")")), timeout, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RpcResponse response && helloAnswered) {
            connection.response(ctx.channel(), response);
        } else if (msg instanceof RpcHelloReply reply && !helloAnswered) {
            helloAnswered = true;
            cancelTimer();
            if (reply.getAccepted()) {
                FramePipeline.switchMessages(ctx.pipeline(), RpcResponse.parser());
                connection.ready(ctx.channel(), reply);
            } else {
                connection.setupFailed(ctx.channel(), "the server refused the connection: " + reply.getReason());
            }
        } else {
            ReferenceCountUtil.release(msg);
            lastError = new IllegalStateException("unexpected " + msg.getClass().getSimpleName() + " from the server");
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            connection.idle(ctx.channel());
        } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            lastError = tls.cause();
            connection.setupFailed(ctx.channel(), "TLS handshake failed: " + RpcErrors.describe(tls.cause()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.writable(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (lastError == null) {
            lastError = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        connection.closed(ctx.channel(), lastError);
        ctx.fireChannelInactive();
    }

    private void cancelTimer() {
        if (helloTimer != null) {
            helloTimer.cancel(false);
            helloTimer = null;
        }
    }
}
