package org.understudy.raft.transport.netty.peer;

import org.understudy.raft.transport.netty.support.LogThrottle;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;

/**
 * One lane to one peer: a bounded queue and at most one connection, owned by one event loop.
 *
 * <h2>Sending</h2>
 * {@link #offer} (any thread) reserves the message's bytes against the queue's bound (the lane's
 * high watermark; a single message is always accepted into an empty queue), appends it and, if no
 * drain is pending, schedules one on the loop. A drain writes queued messages while the channel is
 * writable (Netty's outbound buffer below the high watermark) and flushes once at the end: writes
 * from many threads in one event-loop turn cost one flush. When the channel turns unwritable the
 * drain stops and messages wait in the queue; once the queue is full, new ones are dropped and
 * counted. So a slow peer costs at most about two high watermarks of memory per lane.
 *
 * <h2>Learners</h2>
 * With a {@link TokenBucket} set (bulk lane to a learner), a drain that finds the bucket empty
 * leaves the message queued and schedules itself for when tokens are back; the queue bound still
 * applies, so holding never grows memory without bound.
 *
 * <h2>Connection states</h2>
 * {@code IDLE} (no connection, none wanted) → first message → {@code CONNECTING} (messages queue)
 * → handshake accepted → {@code READY}. Any failure → {@code BACKOFF}: queued messages are dropped,
 * the node's inbound handler hears {@code onUnreachable(peer)}, and after a jittered exponential
 * delay the lane reconnects if anything was sent meanwhile (else it goes back to {@code IDLE}).
 * Messages sent during the backoff are dropped: Raft re-sends, and stale heartbeats are worthless.
 *
 * <h2>Sending on the peer's connection ({@code ADOPTED})</h2>
 * When the peer dials this node for this lane and both sides agreed on a two-way connection in the
 * handshake, {@link #offerIncoming} hands that connection to the lane, which sends on it instead of
 * dialling its own (state {@code ADOPTED}, otherwise like {@code READY}): an answer then travels on
 * the connection its request came on, as with any request/response protocol, which halves the
 * connections, lets TCP acknowledgements ride on data, and spares a connection set-up per peer. The
 * rule, decided by each side alone from its own state (so the two sides need not agree):
 * <ul>
 *   <li>{@code IDLE} or {@code BACKOFF}: adopt (the peer evidently is up, so a backoff ends early);</li>
 *   <li>{@code ADOPTED}: adopt the newer connection (the peer dials again only when its old one
 *       broke, even if this side has not noticed yet);</li>
 *   <li>{@code CONNECTING}: both dialled at once. The connection dialled by the lower node id
 *       wins: if the peer's id is lower, this lane closes its own attempt (nothing was sent on it
 *       yet: messages queue until the handshake is answered) and adopts; if this node's id is
 *       lower, it keeps dialling and the peer will adopt this node's connection;</li>
 *   <li>{@code READY} (its own connection is up): keep sending on its own, so that order within
 *       the lane holds; the peer's connection still delivers what the peer sends.</li>
 * </ul>
 * An adopted connection that closes is handled like a broken own one ({@code BACKOFF}, messages
 * dropped, {@code onUnreachable}); the peer redials if it has something to send, and this lane
 * dials itself after its backoff if it has.
 *
 * <h2>Threads</h2>
 * Everything but {@link #offer}, {@link #offerIncoming}, {@link #setRateLimit} and {@link #close}
 * runs on the lane's <i>home</i> event loop, including the connection's handler callbacks, so the
 * state needs no locks. A lane's own connection is registered on its home loop. An adopted
 * connection was registered by the server on whichever loop accepted it, so adopting one moves the
 * lane's home to that loop (writes must happen on the channel's own loop: written from elsewhere
 * Netty would queue them as tasks it cannot count against the watermark). The move happens only on
 * the old home loop, as the last thing its task does, through the volatile {@link #loop}; every
 * entry point that finds itself on a loop that is no longer home (a task or timer queued before the
 * move, a callback of a channel on another loop) forwards itself to the current home, where stale
 * channels are then ignored.
 */
final class OutboundLane {
    private static final Logger log = LoggerFactory.getLogger(OutboundLane.class);

    /** The collaborators a lane needs from its transport. */
    record Context(String clusterId, long selfId, NettyTransportOptions options, TransportMetrics metrics,
            PeerConnector connector, LongConsumer unreachable) {}

    private enum State { IDLE, CONNECTING, READY, ADOPTED, BACKOFF, CLOSED }

    private record Queued(RaftMessage message, int bytes) {}

    private final long peer;
    private final Lane lane;
    private final PeerAddress address;
    /** The home loop: owns the state below. Changes only by {@link #adopt}, on the old home loop. */
    private volatile EventLoop loop;
    private final Context context;
    private final long queueLimitBytes;
    private final Queue<Queued> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable tokensReturnedTask = this::tokensReturned;
    private final LogThrottle failureLog = new LogThrottle(30, TimeUnit.SECONDS);
    private volatile TokenBucket limiter;

    // Confined to the event loop.
    private final Backoff backoff;
    private State state = State.IDLE;
    private Channel channel;
    private boolean sentDuringBackoff;
    private boolean timedDrainPending;
    private ScheduledFuture<?> timer;

    OutboundLane(long peer, Lane lane, PeerAddress address, EventLoop loop, Context context) {
        this.peer = peer;
        this.lane = lane;
        this.address = address;
        this.loop = loop;
        this.context = context;
        this.queueLimitBytes = context.options().watermark(lane).high();
        this.backoff = new Backoff(context.options().reconnectBackoffMin().toNanos(),
                context.options().reconnectBackoffMax().toNanos(), new SplittableRandom());
    }

    long peer() {
        return peer;
    }

    Lane lane() {
        return lane;
    }

    EventLoop loop() {
        return loop;
    }

    PeerAddress address() {
        return address;
    }

    /** Bytes queued and not yet handed to Netty. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    // ------------------------------------------------------------------ any thread

    /** Queues {@code message} ({@code bytes} serialized) or drops and counts it. Never blocks. */
    void offer(RaftMessage message, int bytes) {
        long current;
        do {
            current = queuedBytes.get();
            if (current > 0 && current + bytes > queueLimitBytes) {
                context.metrics().dropped(lane, DropReason.LANE_FULL);
                return;
            }
        } while (!queuedBytes.compareAndSet(current, current + bytes));
        queue.add(new Queued(message, bytes));
        scheduleDrain();
    }

    /**
     * Limits this lane to {@code bytesPerSecond} (a learner's bulk lane), or lifts the limit with 0.
     * Setting the same kind of limit again keeps the current bucket, so repeated role updates do
     * not hand out a fresh burst.
     */
    void setRateLimit(long bytesPerSecond) {
        TokenBucket current = limiter;
        if (bytesPerSecond <= 0) {
            if (current != null) {
                limiter = null;
                scheduleDrain(); // release what the limit held back
            }
        } else if (current == null || current.bytesPerSecond() != bytesPerSecond) {
            limiter = new TokenBucket(bytesPerSecond, System.nanoTime());
        }
    }

    boolean isRateLimited() {
        return limiter != null;
    }

    /** Closes the connection and drops what is queued (counted with {@code reason}). */
    void close(DropReason reason) {
        if (!runOnHome(() -> closeNow(reason))) {
            discardQueued(reason); // the event loop is gone: so is the connection
        }
    }

    /**
     * The peer dialled this node for this lane on {@code ch} and agreed that this node may answer
     * there (handshake {@code two_way}); called on {@code ch}'s loop right after the handshake reply
     * was written. Whether the lane uses it is decided on the home loop (see the class comment).
     */
    void offerIncoming(Channel ch) {
        // the same backpressure as an own connection: the server does not know the lane at accept time
        ch.config().setWriteBufferWaterMark(context.options().watermark(lane));
        runOnHome(() -> considerIncoming(ch));
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            if (!runOnHome(drainTask)) {
                discardQueued(DropReason.CLOSED);
            }
        }
    }

    /** Queues {@code task} on the home loop; false if that loop is shut down (the transport is closing). */
    private boolean runOnHome(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Whether the caller runs on the home loop. If not (the lane moved since the call was queued,
     * or a channel on another loop calls back), {@code retry} is queued on the home loop instead
     * and the caller must return without touching the state.
     */
    private boolean atHome(Runnable retry) {
        EventLoop home = loop;
        if (home.inEventLoop()) {
            return true;
        }
        try {
            home.execute(retry);
        } catch (RejectedExecutionException e) {
            // the loop is shut down: the transport is closing, and its connections with it
        }
        return false;
    }

    // ------------------------------------------------------------------ event loop

    private void drain() {
        if (!atHome(drainTask)) {
            return; // drainScheduled stays set: the forwarded task clears it
        }
        drainScheduled.set(false);
        switch (state) {
            case IDLE -> connect();
            case CONNECTING -> { } // the accepted handshake drains
            case READY, ADOPTED -> writeQueued();
            case BACKOFF -> {
                sentDuringBackoff = true;
                discardQueued(DropReason.UNREACHABLE);
            }
            case CLOSED -> discardQueued(DropReason.CLOSED);
        }
    }

    private void writeQueued() {
        Channel ch = channel;
        boolean wrote = false;
        while (ch.isWritable()) {
            Queued next = queue.peek();
            if (next == null) {
                break;
            }
            TokenBucket bucket = limiter;
            if (bucket != null && !bucket.tryTake(next.bytes(), System.nanoTime())) {
                context.metrics().throttled();
                drainWhenTokensReturn(bucket);
                break;
            }
            queue.poll();
            queuedBytes.addAndGet(-next.bytes());
            ch.write(next.message(), ch.voidPromise());
            context.metrics().sent(lane, next.bytes() + 4);
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    private void drainWhenTokensReturn(TokenBucket bucket) {
        if (timedDrainPending) {
            return;
        }
        timedDrainPending = true;
        long delay = Math.max(bucket.nanosUntilAvailable(System.nanoTime()), TimeUnit.MICROSECONDS.toNanos(100));
        loop.schedule(tokensReturnedTask, delay, TimeUnit.NANOSECONDS);
    }

    private void tokensReturned() {
        if (!atHome(tokensReturnedTask)) {
            return;
        }
        timedDrainPending = false;
        if (isUp()) {
            writeQueued();
        }
    }

    /** Connected, own or adopted: messages are written. */
    private boolean isUp() {
        return state == State.READY || state == State.ADOPTED;
    }

    private void connect() {
        state = State.CONNECTING;
        sentDuringBackoff = false;
        ChannelFuture connecting = context.connector().connect(this);
        Channel ch = connecting.channel();
        channel = ch;
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                onFailure(ch, "cannot connect", done.cause());
            } else if (!ch.isActive()) {
                // connected and closed again inline, before `channel` was set: its close went unseen
                onFailure(ch, "the connection closed at once", null);
            }
        });
        long timeout = context.options().connectTimeout().toNanos();
        timer = loop.schedule(() -> connectTimedOut(ch), timeout, TimeUnit.NANOSECONDS);
    }

    private void connectTimedOut(Channel ch) {
        if (!atHome(() -> connectTimedOut(ch))) {
            return;
        }
        if (channel == ch && state == State.CONNECTING) {
            onFailure(ch, "no handshake reply within " + context.options().connectTimeout().toMillis() + " ms", null);
        }
    }

    /** The peer accepted the handshake on {@code ch}. */
    void onAccepted(Channel ch) {
        if (!atHome(() -> onAccepted(ch))) {
            return;
        }
        if (ch != channel || state != State.CONNECTING) {
            ch.close();
            return;
        }
        cancelTimer();
        state = State.READY;
        backoff.reset();
        log.debug("node {}: {} lane to node {} at {} is up", context.selfId(), lane.tag(), peer, address);
        writeQueued();
    }

    private void considerIncoming(Channel ch) {
        if (!atHome(() -> considerIncoming(ch))) {
            return;
        }
        if (!ch.isActive()) {
            return;
        }
        switch (state) {
            case IDLE, BACKOFF, ADOPTED -> adopt(ch);
            case CONNECTING -> {
                if (peer < context.selfId()) {
                    // both dialled at once and the peer's id is lower: its connection wins
                    Channel own = channel;
                    channel = null; // its close is then a stale callback, ignored
                    own.close();
                    adopt(ch);
                }
            }
            case READY, CLOSED -> { } // keep the own connection (order within the lane), or closed
        }
    }

    /** Sends on {@code ch}, which the peer dialled, from now on; moves home to its loop. */
    private void adopt(Channel ch) {
        cancelTimer();
        state = State.ADOPTED;
        channel = ch;
        sentDuringBackoff = false;
        backoff.reset();
        log.debug("node {}: {} lane to node {} now answers on the connection node {} dialled ({})", context.selfId(),
                lane.tag(), peer, peer, ch.remoteAddress());
        EventLoop target = ch.eventLoop();
        if (target == loop) {
            writeQueued();
            return;
        }
        loop = target; // the last touch of the state on the old home: from here on it belongs to `target`
        if (!runOnHome(this::resumeAfterMove)) {
            discardQueued(DropReason.CLOSED);
        }
    }

    private void resumeAfterMove() {
        if (atHome(this::resumeAfterMove) && isUp()) {
            writeQueued();
        }
    }

    /** {@code ch} may take more bytes again. */
    void onWritable(Channel ch) {
        if (!atHome(() -> onWritable(ch))) {
            return;
        }
        if (ch == channel && isUp()) {
            writeQueued();
        }
    }

    /**
     * {@code ch} failed: the connect or a handshake was refused, or the connection broke. Stale
     * channels (replaced, or closed by {@link #close}) are ignored.
     */
    void onFailure(Channel ch, String what, Throwable cause) {
        if (!atHome(() -> onFailure(ch, what, cause))) {
            return;
        }
        if (ch != channel || state == State.CLOSED || state == State.BACKOFF) {
            return;
        }
        boolean wasReady = isUp();
        boolean wasAdopted = state == State.ADOPTED;
        cancelTimer();
        channel = null;
        ch.close();
        state = State.BACKOFF;
        int lost = discardQueued(wasReady ? DropReason.CONNECTION_LOST : DropReason.UNREACHABLE);
        context.metrics().connectFailure(lane);
        long delay = backoff.nextDelayNanos();
        String why = cause == null ? what : what + ": " + describe(cause);
        if (wasAdopted) {
            log.info("node {}: lost the {} connection node {} dialled from {} ({}); {} queued messages dropped, "
                    + "dialling it if needed in {} ms", context.selfId(), lane.tag(), peer, ch.remoteAddress(), why, lost,
                    TimeUnit.NANOSECONDS.toMillis(delay));
        } else if (wasReady) {
            log.info("node {}: lost the {} connection to node {} at {} ({}); {} queued messages dropped, reconnecting in {} ms",
                    context.selfId(), lane.tag(), peer, address, why, lost, TimeUnit.NANOSECONDS.toMillis(delay));
        } else if (failureLog.allow()) {
            log.warn("node {}: {} connection to node {} at {} failed ({}); retrying in {} ms (further failures are logged at DEBUG for 30 s)",
                    context.selfId(), lane.tag(), peer, address, why, TimeUnit.NANOSECONDS.toMillis(delay));
        } else {
            log.debug("node {}: {} connection to node {} at {} failed ({})", context.selfId(), lane.tag(), peer,
                    address, why);
        }
        timer = loop.schedule(this::afterBackoff, delay, TimeUnit.NANOSECONDS);
        context.unreachable().accept(peer);
    }

    private void afterBackoff() {
        if (!atHome(this::afterBackoff)) {
            return;
        }
        if (state != State.BACKOFF) {
            return; // adopted a connection meanwhile (the timer was cancelled, but may have been running)
        }
        timer = null;
        if (sentDuringBackoff || !queue.isEmpty()) {
            context.metrics().reconnect(lane);
            connect();
        } else {
            state = State.IDLE;
        }
    }

    private void closeNow(DropReason reason) {
        if (!atHome(() -> closeNow(reason))) {
            return;
        }
        state = State.CLOSED;
        cancelTimer();
        if (channel != null) {
            channel.close();
            channel = null;
        }
        discardQueued(reason);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private int discardQueued(DropReason reason) {
        int count = 0;
        Queued q;
        while ((q = queue.poll()) != null) {
            queuedBytes.addAndGet(-q.bytes());
            count++;
        }
        context.metrics().dropped(lane, reason, count);
        return count;
    }

    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    @Override
    public String toString() {
        return "OutboundLane{" + lane.tag() + " to node " + peer + " at " + address + "}";
    }
}
