package org.understudy.raft.memory;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * One node's {@link Transport} on a {@link MemoryNetwork}; created by {@link MemoryNetwork#transport(long)}.
 *
 * <p>The in-memory network routes by node id, so a peer needs no address: every node on the
 * network is reachable without {@link #updatePeer}. {@link #removePeer} stops delivery to that id
 * (messages in flight to it are dropped too) until {@link #updatePeer} names it again; the address
 * string is otherwise ignored ({@link #address(long)} gives a conventional one for logs and
 * configuration files).
 *
 * <p>{@link #send} never blocks and never throws for network trouble. Messages sent after
 * {@link #close()} or to a removed peer are dropped, and so are messages to a node that is
 * unknown, closed or not yet started; all are counted in {@link MemoryNetwork#dropped()}. Sending
 * before {@link #start} is fine (only receiving needs it). Inbound handlers run on the network's
 * delivery thread, never on the sender's. When a message cannot be delivered because its destination is unknown, not started or closed,
 * this transport's handler gets {@link Inbound#onUnreachable} for it (also on the delivery thread).
 */
public final class MemoryTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(MemoryTransport.class);

    private final MemoryNetwork network;
    private final long id;
    private final Set<Long> removedPeers = ConcurrentHashMap.newKeySet();
    private volatile Inbound inbound;
    private volatile boolean closed;

    MemoryTransport(MemoryNetwork network, long id) {
        this.network = network;
        this.id = id;
    }

    /** The conventional address of node {@code id} on an in-memory network: {@code "memory:<id>"}. */
    public static String address(long id) {
        return "memory:" + id;
    }

    /** This node's id. */
    public long id() {
        return id;
    }

    /** @throws IllegalStateException if already started or closed */
    @Override
    public synchronized void start(Inbound inbound) {
        Objects.requireNonNull(inbound, "inbound");
        if (closed) {
            throw new IllegalStateException("transport of node " + id + " is closed");
        }
        if (this.inbound != null) {
            throw new IllegalStateException("transport of node " + id + " is already started");
        }
        this.inbound = inbound;
    }

    @Override
    public void send(RaftMessage message) {
        if (message == null || closed || removedPeers.contains(message.getTo())) {
            network.countDropped();
            return;
        }
        network.enqueue(this, message);
    }

    /** Forgets an earlier {@link #removePeer}; the address itself is not needed (routing is by id). */
    @Override
    public void updatePeer(long nodeId, String address) {
        removedPeers.remove(nodeId);
    }

    @Override
    public void removePeer(long nodeId) {
        removedPeers.add(nodeId);
    }

    /** Stops sending and receiving; the id may then join the network again. Idempotent. */
    @Override
    public void close() {
        closed = true;
        network.leave(this);
    }

    @Override
    public String toString() {
        return "MemoryTransport{" + address(id) + (closed ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------ called by MemoryNetwork

    boolean isClosed() {
        return closed;
    }

    boolean isReceiving() {
        return !closed && inbound != null;
    }

    boolean hasRemoved(long peer) {
        return removedPeers.contains(peer);
    }

    void receive(RaftMessage message) {
        inbound.onMessage(message);
    }

    void reportUnreachable(long peer) {
        Inbound handler = inbound;
        if (handler == null || closed) {
            return;
        }
        try {
            handler.onUnreachable(peer);
        } catch (RuntimeException e) {
            log.warn("onUnreachable({}) of node {} threw", peer, id, e);
        }
    }
}
