package org.understudy.raft.runtime;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The event loop's multi-producer, single-consumer inbox, in three lanes:
 * <ul>
 *   <li><b>requests</b> from clients, bounded: a full lane refuses the request (backpressure)
 *       instead of growing memory;</li>
 *   <li><b>peer</b> messages from the transport, bounded separately so that a flood of client
 *       requests can never starve Raft's own traffic (and vice versa); a full lane drops the
 *       message, which Raft tolerates;</li>
 *   <li><b>internal</b> notices from the node's own threads (persisted, snapshot reports), never
 *       refused: dropping "persisted through Ready #N" would stall the node forever. Their number
 *       is bounded by their producers (one per persistence batch, one per snapshot transfer).</li>
 * </ul>
 * Ticks are a flag rather than queue items, so ticks that arrive while the loop is busy
 * coalesce: a loop that falls behind sees its clock run slow, never a burst of ticks that would
 * start a spurious election.
 *
 * <p>Producers never block. The consumer parks when all lanes are empty; every offer unparks it.
 */
final class Inbox {
    private final int capacity;
    private final Queue<LoopEvent> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final Queue<LoopEvent> peer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger peerCount = new AtomicInteger();
    private final Queue<LoopEvent> internal = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean tickPending = new AtomicBoolean();
    private volatile Thread consumer;

    /** @param capacity the bound of the request lane and, separately, of the peer lane */
    Inbox(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Queues a client request; false (and nothing queued) when the request lane is full. */
    boolean offerRequest(LoopEvent event) {
        return offerBounded(requests, requestCount, event);
    }

    /** Queues a peer event; false (dropped) when the peer lane is full. */
    boolean offerPeer(LoopEvent event) {
        return offerBounded(peer, peerCount, event);
    }

    /** Queues an internal notice; never refused. */
    void post(LoopEvent event) {
        internal.add(event);
        wake();
    }

    /** Asks for one tick; ticks not yet taken coalesce. */
    void tick() {
        if (!tickPending.getAndSet(true)) {
            wake();
        }
    }

    /** Whether a tick was asked for since the last call (and clears it). Consumer only. */
    boolean takeTick() {
        return tickPending.getAndSet(false);
    }

    /**
     * Moves up to {@code max} events into {@code out}: internal notices first (they unblock
     * pipelined work), then peer messages, then client requests. Consumer only.
     */
    void drainTo(List<LoopEvent> out, int max) {
        drainLane(internal, null, out, max);
        drainLane(peer, peerCount, out, max);
        drainLane(requests, requestCount, out, max);
    }

    /** Parks the consumer until an offer, a tick or {@code maxNanos}, unless work is already queued. */
    void awaitWork(long maxNanos) {
        consumer = Thread.currentThread();
        if (isEmpty()) {
            LockSupport.parkNanos(this, maxNanos);
        }
    }

    /** Unparks the consumer, for example to let it see that it should stop. */
    void wake() {
        Thread t = consumer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Removes everything queued (requests included); the caller fails their futures. */
    void drainAll(List<LoopEvent> out) {
        drainTo(out, Integer.MAX_VALUE);
    }

    int queuedRequests() {
        return requestCount.get();
    }

    int queuedPeerEvents() {
        return peerCount.get();
    }

    private boolean isEmpty() {
        return internal.isEmpty() && peer.isEmpty() && requests.isEmpty() && !tickPending.get();
    }

    private boolean offerBounded(Queue<LoopEvent> lane, AtomicInteger count, LoopEvent event) {
        if (count.incrementAndGet() > capacity) {
            count.decrementAndGet();
            return false;
        }
        lane.add(event);
        wake();
        return true;
    }

    private static void drainLane(Queue<LoopEvent> lane, AtomicInteger count, List<LoopEvent> out, int max) {
        while (out.size() < max) {
            LoopEvent e = lane.poll();
            if (e == null) {
                return;
            }
            if (count != null) {
                count.decrementAndGet();
            }
            out.add(e);
        }
    }
}
