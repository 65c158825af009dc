package org.understudy.raft.transport.netty.peer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.transport.netty.frame.FrameDecoder;
import org.understudy.raft.transport.netty.support.LogThrottle;

/**
 * Closes a peer connection that stops in the middle of a frame (an accepted one, or one this node
 * dialled that the peer answers on, see {@link OutboundHandler}): some bytes of a frame
 * have arrived, and then nothing for {@code stalledFrameTimeout}. Sits just before the
 * {@link FrameDecoder} (after TLS), sees every chunk of bytes go by and asks the decoder afterwards
 * whether part of a frame is left over.
 *
 * <p><b>Why only mid-frame, and not an idle timeout.</b> Between frames a peer connection may be
 * silent for as long as it likes: a follower's connection to another follower carries nothing but
 * the votes of the next election, and a quiet cluster sends heartbeats only one way. Closing such a
 * connection would buy nothing but a reconnect (and a dropped vote) at the worst moment. A sender,
 * on the other hand, always writes a frame whole, so a frame that stops arriving midway means the
 * peer or the path died (a stopped process, a partition that TCP keepalive would notice only after
 * hours) or the other end is not a well-behaved peer; meanwhile the partial frame holds up to
 * {@code maxFrameBytes} of this node's memory. The clock restarts with every byte received, so a
 * large frame on a slow but moving link is never cut off. Before the handshake the acceptor's own
 * timer ({@code connectTimeout}) bounds the whole handshake, whether bytes trickle or not.
 *
 * <p>With TLS the guard sees decrypted bytes, so it notices a stall once any byte of the frame has
 * been decrypted; a peer that stops inside the very first TLS record of a frame leaves nothing
 * partial at the frame level and is, as before, left to TCP keepalive. (The TLS handler does not
 * expose what it buffers; a guard in front of it would see time but not frame boundaries.)
 *
 * <p>A stall is counted in {@code understudy.transport.frames.stalled}, logged at WARN (one line
 * per 10 s per transport, the rest at DEBUG) with the remote address, the peer and lane if the
 * handshake named them, and the bytes held, and the connection is closed: the peer reconnects and
 * Raft re-sends.
 *
 * <p>Costs on the data path: a ticker read per read, a field check, and one timer per stall
 * <i>candidate</i> (a read that ends mid-frame), which re-arms itself rather than being rescheduled
 * on every read. Confined to the channel's event loop.
 */
final class StalledFrameGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(StalledFrameGuard.class);

    private final long timeoutNanos;
    private final InboundDelivery delivery;
    private final LogThrottle stallLog;
    private FrameDecoder decoder;
    private long lastReadNanos;
    private ScheduledFuture<?> timer;

    /** @param stallLog shared by every connection of one transport, so a flood of stalls logs few lines */
    StalledFrameGuard(Duration timeout, InboundDelivery delivery, LogThrottle stallLog) {
        this.timeoutNanos = timeout.toNanos();
        this.delivery = delivery;
        this.stallLog = stallLog;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
        ctx.fireChannelRead(msg); // the decoder emits every whole frame before this returns
        if (timer == null && bufferedBytes(ctx) > 0) {
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        int buffered = bufferedBytes(ctx);
        if (buffered == 0 || !ctx.channel().isActive()) {
            return; // the frame was completed (or the connection is gone): nothing to watch
        }
        long silentNanos = ctx.executor().ticker().nanoTime() - lastReadNanos;
        if (silentNanos < timeoutNanos) {
            // bytes arrived since the timer was set: the frame is still moving, watch its tail
            timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos - silentNanos, TimeUnit.NANOSECONDS);
            return;
        }
        delivery.metrics().stalledFrame();
        PeerDescription peer = ctx.pipeline().get(PeerDescription.class);
        String who = peer == null ? "before its handshake" : "(" + peer.describe() + ")";
        String line = "node {}: closing the peer connection from {} {}: a frame stopped arriving midway, {} bytes held "
                + "and nothing received for {} ms (stalledFrameTimeout)";
        if (stallLog.allow()) {
            log.warn(line, delivery.selfId(), ctx.channel().remoteAddress(), who, buffered,
                    TimeUnit.NANOSECONDS.toMillis(silentNanos));
        } else {
            log.debug(line, delivery.selfId(), ctx.channel().remoteAddress(), who, buffered,
                    TimeUnit.NANOSECONDS.toMillis(silentNanos));
        }
        ctx.close();
    }

    private int bufferedBytes(ChannelHandlerContext ctx) {
        if (decoder == null) {
            decoder = ctx.pipeline().get(FrameDecoder.class);
            if (decoder == null) {
                return 0; // removed while closing
            }
        }
        return decoder.bufferedBytes();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }
}
