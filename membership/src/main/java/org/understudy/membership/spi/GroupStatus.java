package org.understudy.membership.spi;

import java.util.Map;
import java.util.Optional;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfState;

/**
 * A consistent view of one node of the group, as the membership service needs it.
 *
 * @param core the Raft core's status; {@link CoreStatus#progress()} is filled on the leader only
 * @param appliedIndex the last index the node's state machine applied (it may trail
 *     {@code core.appliedIndex()}, which counts entries handed to the apply thread)
 * @param running whether the node is up; a node that is down reports its last known state or an
 *     empty one
 */
public record GroupStatus(CoreStatus core, long appliedIndex, boolean running) {

    public long id() {
        return core.id();
    }

    public Role role() {
        return core.role();
    }

    public boolean isLeader() {
        return running && core.role() == Role.LEADER;
    }

    public boolean isLearner() {
        return core.learner();
    }

    public long term() {
        return core.term();
    }

    /** The leader this node knows of, or 0. */
    public long leaderId() {
        return core.leaderId();
    }

    public long commitIndex() {
        return core.commitIndex();
    }

    public long lastIndex() {
        return core.lastIndex();
    }

    public ConfState confState() {
        return core.confState();
    }

    /** Per-peer replication progress (leader only; empty elsewhere), including the leader itself. */
    public Map<Long, PeerProgress> progress() {
        return core.progress();
    }

    public Optional<PeerProgress> progress(long peer) {
        return Optional.ofNullable(core.progress().get(peer));
    }

    /** The node leadership is being transferred to, or 0. */
    public long leadTransferee() {
        return core.leadTransferee();
    }
}
