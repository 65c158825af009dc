package org.understudy.raft.memory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;

/**
 * A network inside one JVM that connects {@link MemoryTransport}s by node id, for runtime tests
 * and single-process experiments (the deterministic simulator steps its cores without threads and
 * does not need it).
 *
 * <h2>Delivery</h2>
 * {@link MemoryTransport#send} only enqueues: every message goes through one FIFO queue drained by
 * a single daemon delivery thread, which calls the destination's inbound handler. So handlers never
 * run on a sender's thread, the messages between any two nodes arrive in the order they were sent,
 * and a slow handler delays everyone (handlers must not block, as the SPI says). Each destination
 * may have at most {@code capacityPerDestination} messages waiting; more are dropped, like a full
 * outbound buffer.
 *
 * <h2>Faults</h2>
 * {@link #isolate(long)} cuts a node off in both directions, {@link #drop(long, long, boolean)}
 * cuts one direction of one link, {@link #heal()} restores everything. Rules are checked when a
 * message is sent and again when it is delivered, so cutting a link also loses what is in flight
 * on it. A message is also dropped when its destination is unknown, closed or not started, or when
 * the sender has {@linkplain MemoryTransport#removePeer removed} the destination. Every message
 * ends up counted once in {@link #delivered()} or {@link #dropped()} (a message racing with
 * {@link #close()} may be counted in neither).
 *
 * <p>{@link #close()} closes every transport and stops the delivery thread.
 */
public final class MemoryNetwork implements AutoCloseable {
    /** Messages allowed to wait per destination unless the constructor says otherwise. */
    public static final int DEFAULT_CAPACITY_PER_DESTINATION = 10_000;

    private static final Logger log = LoggerFactory.getLogger(MemoryNetwork.class);
    private static final AtomicInteger NETWORK_IDS = new AtomicInteger();

    private record Envelope(MemoryTransport sender, RaftMessage message) {}

    private record Link(long from, long to) {}

    private final int capacityPerDestination;
    private final Map<Long, MemoryTransport> nodes = new ConcurrentHashMap<>();
    private final BlockingQueue<Envelope> queue = new LinkedBlockingQueue<>();
    private final Map<Long, AtomicInteger> waiting = new ConcurrentHashMap<>();
    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
    private final Set<Link> cutLinks = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread deliveryThread;
    private volatile boolean closed;

    public MemoryNetwork() {
        this(DEFAULT_CAPACITY_PER_DESTINATION);
    }

    public MemoryNetwork(int capacityPerDestination) {
        if (capacityPerDestination < 1) {
            throw new IllegalArgumentException("capacityPerDestination must be positive: " + capacityPerDestination);
        }
        this.capacityPerDestination = capacityPerDestination;
        this.deliveryThread = new Thread(this::deliverLoop, "memory-network-" + NETWORK_IDS.incrementAndGet());
        deliveryThread.setDaemon(true);
        deliveryThread.start();
    }

    /**
     * A new transport for node {@code id}, reachable by the others once it is started. A node may
     * join again with the same id after its previous transport was closed (a restart).
     *
     * @throws IllegalStateException if an open transport already has this id, or the network is closed
     */
    public MemoryTransport transport(long id) {
        if (id == 0) {
            throw new IllegalArgumentException("node id 0 means none");
        }
        MemoryTransport created = new MemoryTransport(this, id);
        nodes.compute(id, (k, existing) -> {
            if (closed) {
                throw new IllegalStateException("the network is closed");
            }
            if (existing != null && !existing.isClosed()) {
                throw new IllegalStateException("node " + id + " already has an open transport");
            }
            return created;
        });
        return created;
    }

    /** Drops every message from or to {@code id} until {@link #heal()}. */
    public void isolate(long id) {
        isolated.add(id);
    }

    /** Drops (or, with {@code drop == false}, stops dropping) messages from {@code from} to {@code to}. */
    public void drop(long from, long to, boolean drop) {
        if (drop) {
            cutLinks.add(new Link(from, to));
        } else {
            cutLinks.remove(new Link(from, to));
        }
    }

    /** Ends every isolation and every dropped link. */
    public void heal() {
        isolated.clear();
        cutLinks.clear();
    }

    /** Messages handed to an inbound handler so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Messages dropped so far, for any reason. */
    public long dropped() {
        return dropped.get();
    }

    /** Closes every transport and stops the delivery thread; messages still queued are dropped. Idempotent. */
    @Override
    public void close() {
        closed = true;
        nodes.values().forEach(MemoryTransport::close);
        deliveryThread.interrupt();
        if (Thread.currentThread() != deliveryThread) {
            try {
                deliveryThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dropped.addAndGet(queue.size());
        queue.clear();
    }

    // ------------------------------------------------------------------ called by MemoryTransport

    /** Queues a message or drops it; never blocks. */
    void enqueue(MemoryTransport sender, RaftMessage message) {
        long to = message.getTo();
        if (closed || isCut(sender.id(), to)) {
            dropped.incrementAndGet();
            return;
        }
        AtomicInteger waitingForDest = waiting.computeIfAbsent(to, k -> new AtomicInteger());
        if (waitingForDest.incrementAndGet() > capacityPerDestination) {
            waitingForDest.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.add(new Envelope(sender, message));
    }

    void countDropped() {
        dropped.incrementAndGet();
    }

    /** Forgets a closed transport so that messages to it are dropped. */
    void leave(MemoryTransport transport) {
        nodes.remove(transport.id(), transport);
    }

    // ------------------------------------------------------------------ delivery thread

    private void deliverLoop() {
        while (!closed) {
            Envelope envelope;
            try {
                envelope = queue.take();
            } catch (InterruptedException e) {
                continue; // close() interrupts us; the loop condition decides
            }
            waiting.get(envelope.message().getTo()).decrementAndGet();
            deliver(envelope);
        }
    }

    private void deliver(Envelope envelope) {
        MemoryTransport sender = envelope.sender();
        RaftMessage message = envelope.message();
        long to = message.getTo();
        if (sender.isClosed() || sender.hasRemoved(to) || isCut(sender.id(), to)) {
            dropped.incrementAndGet();
            return;
        }
        MemoryTransport destination = nodes.get(to);
        if (destination == null || !destination.isReceiving()) {
            dropped.incrementAndGet();
            sender.reportUnreachable(to);
            return;
        }
        try {
            destination.receive(message);
        } catch (RuntimeException e) {
            // A handler bug must not stop delivery to everyone else.
            log.warn("inbound handler of node {} threw on a {} from node {}", to, message.getType(),
                    message.getFrom(), e);
        }
        delivered.incrementAndGet();
    }

    private boolean isCut(long from, long to) {
        return isolated.contains(from) || isolated.contains(to) || cutLinks.contains(new Link(from, to));
    }

    @Override
    public String toString() {
        return "MemoryNetwork{nodes=" + nodes.keySet() + ", delivered=" + delivered + ", dropped=" + dropped
                + ", isolated=" + isolated + ", cutLinks=" + cutLinks + "}";
    }
}
