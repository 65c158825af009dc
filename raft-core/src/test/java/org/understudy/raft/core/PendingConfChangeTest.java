package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.ConfChanges.addLearner;
import static org.understudy.raft.core.ConfChanges.remove;

import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.sim.Cluster;

/** One configuration change at a time, and invalid changes refused up front. */
class PendingConfChangeTest {

    @Test
    void aSecondChangeIsRefusedWhileTheFirstIsPending() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        c.isolate(2, 3);
        var first = c.proposeConfChange(1, addLearner(4));
        assertThatThrownBy(() -> c.core(1).proposeConfChange(addLearner(5)))
                .isInstanceOfSatisfying(RaftException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONF_CHANGE_IN_PROGRESS));
        c.heal();
        c.tickUntil(() -> c.isCommitted(first), 5, "the first change commits");
        var second = c.proposeConfChange(1, addLearner(5));
        assertThat(c.isCommitted(second)).isTrue();
        assertThat(c.core(1).confState().getLearnersList()).containsExactlyInAnyOrder(4L, 5L);
    }

    @Test
    void insideAnExplicitJointConfigurationOnlyLeavingIsAccepted() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        c.proposeConfChange(1, ConfChange.newBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT)
                .addChanges(Cluster.single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, 4))
                .addChanges(Cluster.single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, 3))
                .build());
        assertThat(c.core(1).confState().getVotersOutgoingCount()).isPositive();
        assertThatThrownBy(() -> c.core(1).proposeConfChange(addLearner(5)))
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code())
                        .isIn(ErrorCode.CONF_CHANGE_IN_PROGRESS, ErrorCode.BAD_REQUEST));
        var leave = c.proposeConfChange(1, ConfChange.getDefaultInstance());
        assertThat(c.isCommitted(leave)).isTrue();
        assertThat(c.core(1).confState().getVotersList()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(c.core(1).confState().getVotersOutgoingList()).isEmpty();
    }

    @Test
    void removingTheLastVoterIsABadRequest() {
        Cluster c = Cluster.builder().voters(1).learners(2).build();
        c.elect(1);
        assertThatThrownBy(() -> c.core(1).proposeConfChange(remove(1)))
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> c.core(1).proposeConfChange(ConfChange.getDefaultInstance()))
                .as("leaving a joint configuration that was never entered")
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
}
