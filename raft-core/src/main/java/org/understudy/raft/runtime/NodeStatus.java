package org.understudy.raft.runtime;

import java.util.Map;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfState;

/**
 * An immutable view of one {@link RaftNode}: the consensus state as the event loop last published
 * it, how far the local state machine has applied, and the node's health.
 *
 * <p>The parts are read at slightly different moments (the core's state after the event loop's
 * latest step, the applied index as the apply thread last advanced it), so
 * {@code appliedIndex} may briefly trail or, right after a snapshot install, lead
 * {@code core().appliedIndex()} (which counts entries handed to the apply thread).
 *
 * @param core the core's status; {@link CoreStatus#progress()} (per peer: match, lag, learner
 *     flag) is filled only on the leader
 * @param appliedIndex the last index applied to the local state machine
 * @param health running, failed or closed
 * @param failureReason why the node failed; empty unless it did
 */
public record NodeStatus(CoreStatus core, long appliedIndex, NodeHealth health, String failureReason) {

    public long id() {
        return core.id();
    }

    public Role role() {
        return core.role();
    }

    public long term() {
        return core.term();
    }

    /** The leader this node knows of, or 0. */
    public long leaderId() {
        return core.leaderId();
    }

    public boolean isLeader() {
        return core.role() == Role.LEADER;
    }

    public boolean isLearner() {
        return core.learner();
    }

    public long commitIndex() {
        return core.commitIndex();
    }

    public ConfState confState() {
        return core.confState();
    }

    /** Per-peer replication progress (learner flag, match, lag); empty unless this node leads. */
    public Map<Long, PeerProgress> progress() {
        return core.progress();
    }
}
