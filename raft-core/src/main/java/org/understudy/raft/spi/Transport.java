package org.understudy.raft.spi;

import org.understudy.raft.proto.RaftMessage;

/**
 * Carries {@link RaftMessage}s between the members of one Raft group.
 *
 * <h2>Contract</h2>
 * Delivery is best effort: messages may be lost, delayed, reordered or duplicated, and the Raft
 * core is correct under all of these (it re-sends what matters). {@link #send} therefore never
 * throws for a network problem and never blocks: a message to an unknown or unreachable peer, or
 * one that does not fit in a full outbound buffer, is dropped (and counted). The destination is
 * {@link RaftMessage#getTo()}.
 *
 * <p>A transport should keep small, urgent messages (heartbeats, votes) from waiting behind bulk
 * traffic (large appends, snapshot chunks); see DESIGN.md §6.
 *
 * <h2>Threading</h2>
 * {@link #send} may be called from any thread. The {@link Inbound} handler is called from the
 * transport's own threads and must not block; a {@code RaftNode} only enqueues the message.
 */
public interface Transport extends AutoCloseable {

    /** Starts accepting and delivering messages to {@code inbound}. Called once. */
    void start(Inbound inbound);

    /**
     * Sends a message to {@code message.getTo()}. Never throws for network trouble, never blocks.
     * Allowed before {@link #start} and after {@link #close()} (the message is then dropped).
     */
    void send(RaftMessage message);

    /**
     * Sets or changes the address of a peer (its format is the implementation's).
     *
     * @throws org.understudy.raft.RaftException with {@code INVALID_PEER_URL} when the address cannot
     *     be parsed; that is a configuration error, not a network one
     */
    void updatePeer(long nodeId, String address);

    /** Forgets a peer and closes any connection to it; {@link #updatePeer} makes it reachable again. */
    void removePeer(long nodeId);

    /**
     * Tells the transport whether a peer is currently a learner, so that bulk catch-up traffic to
     * learners can be rate-limited (DESIGN.md §6: a new member must never starve the leader's
     * heartbeats). A {@code RaftNode} calls it whenever a configuration change is applied. The
     * default does nothing.
     */
    default void updatePeerRole(long nodeId, boolean learner) {}

    /** Stops delivery and releases connections and threads. Calling it twice is harmless. */
    @Override
    void close();

    /** Receives what a transport delivers. */
    interface Inbound {
        /** A message arrived. Must not block. */
        void onMessage(RaftMessage message);

        /**
         * The transport could not reach {@code nodeId} (connection refused or lost). Raft uses this
         * as a hint to probe that peer again rather than stream to it.
         */
        default void onUnreachable(long nodeId) {}
    }
}
