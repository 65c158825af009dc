package org.understudy.membership.spi;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

/**
 * One node of a Raft group, seen from the membership service: what the service reads and what it
 * asks the node to do. {@code runtime.RaftNodeGroup} adapts a real {@code RaftNode}; the tests
 * adapt raft-core's deterministic simulator, so every membership rule runs on simulated time.
 *
 * <p>Futures fail with {@link org.understudy.raft.RaftException} and its stable
 * {@link org.understudy.raft.ErrorCode}s, as {@code RaftNode}'s do. Futures may complete on a
 * node's internal thread: use the {@code *Async} methods for anything slow.
 */
public interface RaftGroup {

    /** This node's id. */
    long id();

    /** The node's current status; cheap, never blocks. */
    GroupStatus status();

    /**
     * Proposes a configuration change (leader only; records in {@code change.getContext()}, see
     * {@link org.understudy.membership.registry.MembershipContext}). Completes with the resulting
     * configuration once the change is applied on this node, so {@link #registry()} then reflects
     * it. A joint change completes when the joint configuration is entered. Fails with
     * {@code NOT_LEADER}, {@code CONF_CHANGE_IN_PROGRESS}, {@code BAD_REQUEST} or
     * {@code UNAVAILABLE} (also when the entry was lost to a leader change or the outcome is
     * unknown). No built-in timeout.
     */
    CompletableFuture<ConfState> changeMembership(ConfChange change);

    /**
     * Hands leadership to voter {@code transferee}; completes when this node sees it as leader.
     * Fails with {@code NOT_LEADER}, {@code UNSUPPORTED_ON_LEARNER}, {@code BAD_REQUEST}, or
     * {@code UNAVAILABLE} after two election timeouts.
     */
    CompletableFuture<Void> transferLeadership(long transferee);

    /**
     * A linearizable read barrier: completes with a read index once this node has applied it (on
     * a follower or learner by asking the leader). Fails with {@code NOT_LEADER} when no leader is
     * known and {@code UNAVAILABLE} when refused or not answered within two election timeouts.
     */
    CompletableFuture<Long> readIndex();

    /** The base election timeout in milliseconds. */
    long electionTimeoutMillis();

    /** How many applied entries between two snapshots (the basis of the default promotion lag). */
    long snapshotCount();

    /** This node's registry as of its last applied change or snapshot. */
    MemberRegistry registry();

    /**
     * Calls {@code listener} with each new registry of this node, in order (after each applied
     * change and each snapshot restore). It must be quick and must not wait on the node.
     */
    void addRegistryListener(Consumer<MemberRegistry> listener);
}
