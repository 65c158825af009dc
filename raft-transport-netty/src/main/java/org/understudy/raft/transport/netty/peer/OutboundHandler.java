package org.understudy.raft.transport.netty.peer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;

/**
 * The connecting side of a peer connection: sends the {@link Handshake} when the connection is
 * up (behind TLS, the TLS handler holds it until its own handshake is done), waits for the
 * {@link HandshakeReply}, and reports everything that happens to the channel to its
 * {@link OutboundLane}. After an accepted reply the peer sends nothing more on this connection;
 * anything it does send is a protocol error and closes it.
 */
final class OutboundHandler extends ChannelInboundHandlerAdapter {
    private final OutboundLane lane;
    private final String clusterId;
    private final Handshake handshake;
    private final TransportMetrics metrics;
    private boolean replied;

    OutboundHandler(OutboundLane lane, String clusterId, Handshake handshake, TransportMetrics metrics) {
        this.lane = lane;
        this.clusterId = clusterId;
        this.handshake = handshake;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(handshake, ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (replied || !(msg instanceof HandshakeReply reply)) {
                lane.onFailure(ctx.channel(), "the peer sent an unexpected frame after the handshake", null);
                return;
            }
            replied = true;
            PeerProtocol.Verdict verdict = PeerProtocol.checkReply(reply, clusterId, lane.peer());
            if (verdict.accepted()) {
                lane.onAccepted(ctx.channel());
            } else {
                metrics.handshakeRejected(verdict.rejection(), false);
                lane.onFailure(ctx.channel(), verdict.detail(), null);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            metrics.handshakeRejected(HandshakeRejection.TLS, false);
            lane.onFailure(ctx.channel(), "TLS handshake failed", tls.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            lane.onWritable(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lane.onFailure(ctx.channel(), replied ? "the connection closed" : "the peer closed the connection before answering the handshake", null);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lane.onFailure(ctx.channel(), "connection error", cause);
    }
}
