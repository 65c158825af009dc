package org.understudy.raft.core;

import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;

/**
 * Readable constructors for the configuration changes Raft supports. Promotion and demotion are
 * not separate message types: promoting is adding a learner as a voter, demoting is adding a voter
 * as a learner (which passes through a joint configuration, the voter waiting in learners-next).
 */
public final class ConfChanges {
    private ConfChanges() {}

    /** Adds a learner: it receives the log but has no vote, so the quorum does not change. */
    public static ConfChange addLearner(long nodeId) {
        return single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, nodeId);
    }

    /** Adds a voter directly; the quorum grows at once. Prefer {@link #addLearner} then {@link #promote}. */
    public static ConfChange addVoter(long nodeId) {
        return single(ConfChangeType.CONF_CHANGE_ADD_VOTER, nodeId);
    }

    /** Promotes a learner to voter. */
    public static ConfChange promote(long learnerId) {
        return single(ConfChangeType.CONF_CHANGE_ADD_VOTER, learnerId);
    }

    /** Demotes a voter to learner. */
    public static ConfChange demote(long voterId) {
        return single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, voterId);
    }

    /** Removes a member (voter or learner). */
    public static ConfChange remove(long nodeId) {
        return single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, nodeId);
    }

    /**
     * Promotes {@code learnerId} and removes {@code voterId} in one joint-consensus change, so the
     * number of voters never drops during the replacement (thesis §4.3).
     */
    public static ConfChange replace(long voterId, long learnerId) {
        return ConfChange.newBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT)
                .addChanges(change(ConfChangeType.CONF_CHANGE_ADD_VOTER, learnerId))
                .addChanges(change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, voterId))
                .build();
    }

    /** The empty change that leaves a joint configuration entered with an explicit transition. */
    public static ConfChange leaveJoint() {
        return ConfChange.getDefaultInstance();
    }

    /** One {@link ConfChangeSingle}, for building multi-member changes. */
    public static ConfChangeSingle change(ConfChangeType type, long nodeId) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(nodeId).build();
    }

    private static ConfChange single(ConfChangeType type, long nodeId) {
        return ConfChange.newBuilder().addChanges(change(type, nodeId)).build();
    }
}
