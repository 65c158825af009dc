package org.understudy.raft.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * A test {@link Transport} wrapper that counts what a node sends, by type, and can hold the
 * node's event loop inside {@link #send} (breaking the SPI's "never blocks" on purpose) so that a
 * test can pile requests up in the inbox deterministically.
 */
final class GatedTransport implements Transport {
    private final Transport delegate;
    private final Map<MessageType, AtomicLong> sent = new ConcurrentHashMap<>();
    private final AtomicBoolean loopHeld = new AtomicBoolean();
    private volatile CountDownLatch gate;
    /** What the node last told this transport about each peer's role (true: learner). */
    final Map<Long, Boolean> learnerRoles = new ConcurrentHashMap<>();

    GatedTransport(Transport delegate) {
        this.delegate = delegate;
    }

    /** From now on, the event loop's next send blocks until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Whether the event loop is blocked in a send right now. */
    boolean loopHeld() {
        return loopHeld.get();
    }

    long sent(MessageType type) {
        AtomicLong n = sent.get(type);
        return n == null ? 0 : n.get();
    }

    @Override
    public void start(Inbound inbound) {
        delegate.start(inbound);
    }

    @Override
    public void send(RaftMessage message) {
        sent.computeIfAbsent(message.getType(), t -> new AtomicLong()).incrementAndGet();
        CountDownLatch g = gate;
        if (g != null && Thread.currentThread().getName().endsWith("-loop")) {
            loopHeld.set(true);
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                loopHeld.set(false);
            }
        }
        delegate.send(message);
    }

    @Override
    public void updatePeer(long nodeId, String address) {
        delegate.updatePeer(nodeId, address);
    }

    @Override
    public void updatePeerRole(long nodeId, boolean learner) {
        learnerRoles.put(nodeId, learner);
        delegate.updatePeerRole(nodeId, learner);
    }

    @Override
    public void removePeer(long nodeId) {
        delegate.removePeer(nodeId);
    }

    @Override
    public void close() {
        release();
        delegate.close();
    }
}
