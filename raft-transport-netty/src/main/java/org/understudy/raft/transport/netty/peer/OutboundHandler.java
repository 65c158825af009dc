package org.understudy.raft.transport.netty.peer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;
import org.understudy.raft.transport.netty.support.LogThrottle;

/**
 * The connecting side of a peer connection: sends the {@link Handshake} when the connection is
 * up (behind TLS, the TLS handler holds it until its own handshake is done), waits for the
 * {@link HandshakeReply}, and reports everything that happens to the channel to its
 * {@link OutboundLane}.
 *
 * <p>If both the handshake and the reply said {@code two_way}, the peer may answer on this
 * connection: the message decoder switches to Raft messages (before the next frame is decoded, so
 * a message right behind the reply is not lost) and each one goes to {@link InboundDelivery} with
 * the checks of an accepted connection (sender and receiver must match the handshake), the same
 * frame-size limit and the same {@link StalledFrameGuard} (installed with the pipeline; it only
 * acts on a partial frame, and before the reply the connect timeout bounds everything). A
 * malformed frame closes this connection alone and is counted in {@code frames.malformed}; the
 * lane reconnects as after any broken connection. Without {@code two_way} the peer sends nothing
 * after the reply, and anything it does send is a protocol error that closes the connection.
 */
final class OutboundHandler extends ChannelInboundHandlerAdapter implements PeerDescription {
    private static final Logger log = LoggerFactory.getLogger(OutboundHandler.class);
    private static final LogThrottle MALFORMED_LOG = new LogThrottle(10, TimeUnit.SECONDS);

    private final OutboundLane lane;
    private final String clusterId;
    private final Handshake handshake;
    private final InboundDelivery delivery;
    private final TransportMetrics metrics;
    private boolean replied;
    private boolean twoWay;

    OutboundHandler(OutboundLane lane, String clusterId, Handshake handshake, InboundDelivery delivery) {
        this.lane = lane;
        this.clusterId = clusterId;
        this.handshake = handshake;
        this.delivery = delivery;
        this.metrics = delivery.metrics();
    }

    @Override
    public String describe() {
        return "node " + lane.peer() + ", " + lane.lane().tag() + " lane, dialled by this node";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(handshake, ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (twoWay && msg instanceof RaftMessage message) {
            delivery.deliver(message, lane.peer(), lane.lane());
            return;
        }
        try {
            if (replied || !(msg instanceof HandshakeReply reply)) {
                lane.onFailure(ctx.channel(), "the peer sent an unexpected frame after the handshake", null);
                return;
            }
            replied = true;
            PeerProtocol.Verdict verdict = PeerProtocol.checkReply(reply, clusterId, lane.peer());
            if (verdict.accepted()) {
                if (handshake.getTwoWay() && reply.getTwoWay()) {
                    twoWay = true;
                    FramePipeline.switchMessages(ctx.pipeline(), RaftMessage.parser());
                }
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
        if (twoWay && cause instanceof DecoderException) {
            metrics.malformedFrame();
            String line = "node {}: closing the {} connection to node {} at {}: malformed frame: {}";
            if (MALFORMED_LOG.allow()) {
                log.warn(line, delivery.selfId(), lane.lane().tag(), lane.peer(), ctx.channel().remoteAddress(),
                        OutboundLane.describe(cause));
            } else {
                log.debug(line, delivery.selfId(), lane.lane().tag(), lane.peer(), ctx.channel().remoteAddress(),
                        OutboundLane.describe(cause));
            }
            lane.onFailure(ctx.channel(), "malformed frame", cause);
            ctx.close(); // also when the lane no longer owns this channel
            return;
        }
        lane.onFailure(ctx.channel(), "connection error", cause);
    }
}
