package org.understudy.membership.service;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.spi.RaftGroup;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;

/**
 * Reads on any member, learners included (DESIGN.md §4 rule 7).
 * <ul>
 *   <li>{@link #serializable}: runs the read on the local state at once, on any role; it may be
 *       stale by however far this node trails the leader;</li>
 *   <li>{@link #linearizable}: on a voter, after a read index (thesis §6.4); on a learner only when
 *       {@link MembershipOptions#learnerLinearizableReads()} is on (the seed's "strong consistency
 *       mode"): the learner asks the leader for a read index and waits until it has applied up to
 *       it, so the read sees every write acknowledged before the call. Otherwise a learner refuses
 *       with {@code UNSUPPORTED_ON_LEARNER}.</li>
 * </ul>
 */
public final class LearnerReads {

    private final RaftGroup group;
    private final boolean learnerLinearizable;
    private final NodeIdFormat ids;

    public LearnerReads(RaftGroup group, MembershipOptions options) {
        this.group = Objects.requireNonNull(group, "group");
        this.learnerLinearizable = options.learnerLinearizableReads();
        this.ids = options.idFormat();
    }

    /** Reads the local state now. */
    public <T> T serializable(Supplier<T> read) {
        return read.get();
    }

    /** Reads once this node has applied a read index obtained (through the leader) after this call. */
    public <T> CompletableFuture<T> linearizable(Supplier<T> read) {
        if (group.status().isLearner() && !learnerLinearizable) {
            return CompletableFuture.failedFuture(new RaftException(ErrorCode.UNSUPPORTED_ON_LEARNER,
                    "node " + ids.format(group.id()) + " is a learner and serves only serializable reads"
                            + " (learnerLinearizableReads is off); read from a voter, or ask for a serializable read"));
        }
        return group.readIndex().thenApply(index -> read.get());
    }
}
