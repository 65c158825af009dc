package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.rpc.proto.RpcHello;
import org.understudy.raft.transport.netty.rpc.proto.RpcRequest;

/**
 * The server's end of a new connection until its hello: nothing reaches a handler before the first
 * frame proved to be an {@link RpcHello} in a protocol version this server speaks. Then it answers,
 * switches the message decoder to requests and replaces itself with a {@link ServerConnection}.
 * Anything else (another message, garbage, a frame too long, silence for the hello timeout, a
 * failed TLS handshake) closes the connection through {@link ConnectionLog}.
 */
final class ServerHello extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerHello.class);

    private final String server;
    private final ConnectionLog connectionLog;
    private final Duration timeout;
    private final int maxFrameBytes;
    private final int maxInFlight;
    private final Function<X500Principal, ServerConnection> connections;
    private ScheduledFuture<?> timer;
    private boolean judged;

    ServerHello(String server, ConnectionLog connectionLog, Duration timeout, int maxFrameBytes, int maxInFlight,
            Function<X500Principal, ServerConnection> connections) {
        this.server = server;
        this.connectionLog = connectionLog;
        this.timeout = timeout;
        this.maxFrameBytes = maxFrameBytes;
        this.maxInFlight = maxInFlight;
        this.connections = connections;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> refuse(ctx, CloseReason.HELLO_TIMEOUT,
                "no hello within " + timeout.toMillis() + " ms"), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (judged) {
            ReferenceCountUtil.release(msg); // decoded after a refusal, before the close
            return;
        }
        if (!(msg instanceof RpcHello hello)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, CloseReason.PROTOCOL, "the first frame was not a hello");
            return;
        }
        String refusal = RpcProtocol.refusal(hello);
        if (refusal != null) {
            judged = true;
            cancelTimer();
            ctx.writeAndFlush(RpcProtocol.refused(refusal)).addListener((ChannelFutureListener) f ->
                    connectionLog.close(ctx, CloseReason.PROTOCOL, "hello refused: " + refusal));
            return;
        }
        judged = true;
        cancelTimer();
        ctx.writeAndFlush(RpcProtocol.accepted(maxFrameBytes, maxInFlight), ctx.voidPromise());
        FramePipeline.switchMessages(ctx.pipeline(), RpcRequest.parser());
        ctx.pipeline().replace(this, RpcServerPipeline.CALLS, connections.apply(verifiedClient(ctx)));
        log.debug("rpc server {}: accepted '{}' from {}", server, hello.getClient(), ctx.channel().remoteAddress());
    }

    /**
     * The subject of the client's certificate, or null without TLS or without a client certificate
     * (server-only TLS). The hello is read after the TLS handshake completed, and with mutual TLS
     * that handshake fails unless the certificate chains to a trusted CA, so a subject found here
     * has been verified.
     */
    private static X500Principal verifiedClient(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            return tls.engine().getSession().getPeerPrincipal() instanceof X500Principal subject ? subject : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            refuse(ctx, CloseReason.TLS, "TLS handshake failed: " + RpcErrors.describe(tls.cause()));
        }
        ctx.fireUserEventTriggered(evt); // idle events are ignored here: the hello timer is shorter
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        judged = true;
        cancelTimer();
        connectionLog.failed(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, CloseReason reason, String detail) {
        if (judged) {
            return;
        }
        judged = true;
        cancelTimer();
        connectionLog.close(ctx, reason, detail);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
