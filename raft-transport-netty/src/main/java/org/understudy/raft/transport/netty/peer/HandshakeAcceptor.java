package org.understudy.raft.transport.netty.peer;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.Handshake;

/**
 * The accepting side of a peer connection until its handshake is judged. Nothing is delivered
 * before the first frame proved to be a {@link Handshake} from this cluster, addressed to this
 * node, in a known protocol version and lane. Then the acceptor answers, switches the message
 * decoder to Raft messages and replaces itself with an {@link InboundMessageHandler}.
 *
 * <p>A refused handshake is answered with the reason, logged at WARN with the remote address (at
 * most one line per reason per 10 s, the rest at DEBUG),
 * counted in {@code understudy.transport.handshake.rejected{side=inbound,reason=...}}, and the
 * connection closed. So are a first frame that is not a handshake, no frame within the connect
 * timeout, and a failed TLS handshake (those without an answer).
 *
 * <p>A handshake that asks for {@code two_way} is answered with {@code two_way} when
 * {@link ReverseLanes} names a lane of this node that may send on the connection (the sender is a
 * configured peer, authenticated as well as a dial would authenticate it); the reply is written
 * before the lane is offered the connection, so the peer reads it before any Raft message.
 */
final class HandshakeAcceptor extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeAcceptor.class);

    private final String clusterId;
    private final InboundDelivery delivery;
    private final Duration timeout;
    private final ReverseLanes reverseLanes;
    private ScheduledFuture<?> timer;
    private boolean judged;

    /** An acceptor that never answers on the connections it accepts. */
    HandshakeAcceptor(String clusterId, InboundDelivery delivery, Duration timeout) {
        this(clusterId, delivery, timeout, ReverseLanes.NONE);
    }

    HandshakeAcceptor(String clusterId, InboundDelivery delivery, Duration timeout, ReverseLanes reverseLanes) {
        this.clusterId = clusterId;
        this.delivery = delivery;
        this.timeout = timeout;
        this.reverseLanes = reverseLanes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> refuse(ctx, HandshakeRejection.TIMEOUT,
                "no handshake within " + timeout.toMillis() + " ms", false), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (judged) {
            ReferenceCountUtil.release(msg); // frames decoded after a refusal, before the close
            return;
        }
        if (!(msg instanceof Handshake handshake)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, HandshakeRejection.MALFORMED, "the first frame was not a handshake", false);
            return;
        }
        PeerProtocol.Verdict verdict = PeerProtocol.check(handshake, clusterId, delivery.selfId());
        if (!verdict.accepted()) {
            refuse(ctx, verdict.rejection(), verdict.detail(), true);
            return;
        }
        judged = true;
        cancelTimer();
        Lane lane = Lane.fromWire(handshake.getLane());
        OutboundLane reverse = handshake.getTwoWay()
                ? reverseLanes.laneFor(handshake.getFrom(), lane, ctx.channel()) : null;
        ctx.writeAndFlush(PeerProtocol.accepted(clusterId, delivery.selfId(), reverse != null), ctx.voidPromise());
        FramePipeline.switchMessages(ctx.pipeline(), RaftMessage.parser());
        ctx.pipeline().replace(this, "peer-messages",
                new InboundMessageHandler(handshake.getFrom(), lane, delivery, reverse));
        log.debug("node {}: accepted the {} connection of node {} from {}{}", delivery.selfId(), lane.tag(),
                handshake.getFrom(), ctx.channel().remoteAddress(), reverse != null ? " (two-way)" : "");
        if (reverse != null) {
            reverse.offerIncoming(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            refuse(ctx, HandshakeRejection.TLS, "TLS handshake failed: " + OutboundLane.describe(tls.cause()), false);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            refuse(ctx, HandshakeRejection.TLS, "TLS failed: " + OutboundLane.describe(cause), false);
        } else if (cause instanceof DecoderException) {
            delivery.metrics().malformedFrame();
            refuse(ctx, HandshakeRejection.MALFORMED, "bad first frame: " + OutboundLane.describe(cause), false);
        } else {
            log.debug("node {}: error on an incoming connection from {} before its handshake", delivery.selfId(),
                    ctx.channel().remoteAddress(), cause);
            judged = true;
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, HandshakeRejection reason, String detail, boolean answer) {
        if (judged) {
            return;
        }
        judged = true;
        cancelTimer();
        delivery.metrics().handshakeRejected(reason, true);
        if (delivery.mayLogRefusal(reason)) {
            log.warn("node {}: refused a peer connection from {}: {} (reason {}; further refusals for this reason "
                    + "are logged at DEBUG for 10 s)", delivery.selfId(), ctx.channel().remoteAddress(), detail,
                    reason.code());
        } else {
            log.debug("node {}: refused a peer connection from {}: {} (reason {})", delivery.selfId(),
                    ctx.channel().remoteAddress(), detail, reason.code());
        }
        if (answer && ctx.channel().isActive()) {
            ctx.writeAndFlush(PeerProtocol.refused(clusterId, delivery.selfId(),
                    new PeerProtocol.Verdict(reason, detail))).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
