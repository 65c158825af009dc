package org.understudy.raft.transport.netty.peer;

import org.understudy.raft.transport.netty.support.LogThrottle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;

/**
 * The accepting side of a peer connection after its handshake: each decoded {@link RaftMessage}
 * goes to {@link InboundDelivery}. A malformed frame (too large, or not a Raft message) closes
 * this connection and nothing else (DESIGN.md §6): the peer reconnects and Raft re-sends.
 *
 * <p>On a two-way connection it also tells the {@link OutboundLane} that may answer on it (its
 * {@code reverse} lane) when the connection can take bytes again and when it closes; the lane
 * ignores both if it does not (or no longer) send on this connection.
 */
final class InboundMessageHandler extends SimpleChannelInboundHandler<RaftMessage> implements PeerDescription {
    private static final Logger log = LoggerFactory.getLogger(InboundMessageHandler.class);
    private static final LogThrottle MALFORMED_LOG = new LogThrottle(10, TimeUnit.SECONDS);

    private final long sender;
    private final Lane lane;
    private final InboundDelivery delivery;
    private final OutboundLane reverse;

    InboundMessageHandler(long sender, Lane lane, InboundDelivery delivery) {
        this(sender, lane, delivery, null);
    }

    /** @param reverse the lane that may send on this connection, or null for a one-way connection */
    InboundMessageHandler(long sender, Lane lane, InboundDelivery delivery, OutboundLane reverse) {
        super(RaftMessage.class);
        this.sender = sender;
        this.lane = lane;
        this.delivery = delivery;
        this.reverse = reverse;
    }

    /** Who is on the other end, for log lines: "node 1, control lane". */
    @Override
    public String describe() {
        return "node " + sender + ", " + lane.tag() + " lane";
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RaftMessage message) {
        delivery.deliver(message, sender, lane);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (reverse != null && ctx.channel().isWritable()) {
            reverse.onWritable(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (reverse != null) {
            reverse.onFailure(ctx.channel(), "the connection closed", null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            delivery.metrics().malformedFrame();
            if (MALFORMED_LOG.allow()) {
                log.warn("node {}: closing the {} connection from node {} at {}: malformed frame: {}",
                        delivery.selfId(), lane.tag(), sender, ctx.channel().remoteAddress(),
                        OutboundLane.describe(cause));
            } else {
                // Throttled at WARN so a broken peer cannot flood the log; every close still leaves a line.
                log.debug("node {}: closing the {} connection from node {} at {}: malformed frame: {}",
                        delivery.selfId(), lane.tag(), sender, ctx.channel().remoteAddress(),
                        OutboundLane.describe(cause));
            }
        } else if (cause instanceof IOException) {
            log.debug("node {}: the {} connection from node {} failed: {}", delivery.selfId(), lane.tag(), sender,
                    cause.toString());
        } else {
            log.warn("node {}: closing the {} connection from node {} after an error", delivery.selfId(), lane.tag(),
                    sender, cause);
        }
        ctx.close();
    }
}
