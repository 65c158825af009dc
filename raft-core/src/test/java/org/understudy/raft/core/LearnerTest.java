package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.SeedFiguresTest.isVoteRequest;
import static org.understudy.raft.core.SeedFiguresTest.payload;
import static org.understudy.raft.core.ConfChanges.addLearner;
import static org.understudy.raft.core.ConfChanges.addVoter;
import static org.understudy.raft.core.ConfChanges.remove;

import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.sim.Cluster;

/** The learner rules of DESIGN.md §4, at the level of the pure core. */
class LearnerTest {

    private static final int ELECTION = 10;

    @Test
    void aLearnersElectionTimeoutStartsNoElection() {
        Cluster c = Cluster.builder().voters(1).learners(2).build();
        c.elect(1);
        c.propose(1, "x");
        long term = c.core(2).term();
        int from = c.sent().size();
        c.crash(1);
        c.tickAll(10 * ELECTION);
        assertThat(c.sent().subList(from, c.sent().size())).noneMatch(s -> isVoteRequest(s.message()));
        assertThat(c.core(2).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(2).term()).isEqualTo(term);
    }

    @Test
    void aLearnerReceivesEveryEntryButIsNeverCounted() {
        Cluster c = Cluster.builder().voters(1, 2, 3).learners(4).build();
        c.elect(1);
        for (int i = 0; i < 20; i++) {
            c.core(1).propose(payload("e" + i));
        }
        c.stabilize();
        assertThat(c.node(4).stateMachine().digest()).isEqualTo(c.node(1).stateMachine().digest());
        assertThat(c.node(4).stateMachine().appliedIndex()).isEqualTo(c.core(1).lastIndex());

        c.isolate(2, 3);
        var x = c.propose(1, "only-the-learner-has-it");
        c.tickAll(ELECTION / 2);
        assertThat(c.core(1).status().progress().get(4L).match()).as("the learner stored it").isGreaterThanOrEqualTo(x.index());
        assertThat(c.isCommitted(x)).as("but its acknowledgement does not count").isFalse();
    }

    @Test
    void aNewLearnerCatchesUpFromASnapshot() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        for (int i = 0; i < 30; i++) {
            c.core(1).propose(payload("e" + i));
        }
        c.stabilize();
        c.node(1).compactNow();
        c.startJoiner(4);
        c.proposeConfChange(1, addLearner(4));
        c.tickAll(2);
        assertThat(c.node(4).snapshotsInstalled()).isPositive();
        assertThat(c.node(4).stateMachine().digest()).isEqualTo(c.node(1).stateMachine().digest());
        assertThat(c.core(4).isLearner()).isTrue();
        assertThat(c.core(4).confState().getLearnersList()).containsExactly(4L);
    }

    @Test
    void addingAndRemovingALearnerNeverChangesTheQuorum() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        c.startJoiner(4);
        c.proposeConfChange(1, addLearner(4));
        var a = c.propose(1, "a");
        assertThat(c.isApplied(4, a)).isTrue();

        c.crash(4);
        var whileDown = c.propose(1, "learner-down");
        assertThat(c.isCommitted(whileDown)).isTrue();
        c.restart(4);

        var removal = c.proposeConfChange(1, remove(4));
        assertThat(c.isCommitted(removal)).isTrue();
        int from = c.sent().size();
        var b = c.propose(1, "b");
        c.tickAll(3);
        assertThat(c.isCommitted(b)).isTrue();
        assertThat(c.core(1).confState().getLearnersList()).isEmpty();
        assertThat(c.sent().subList(from, c.sent().size())).as("the leader no longer talks to 4")
                .noneMatch(s -> s.message().getTo() == 4);
    }

    @Test
    void aNodeRestartedFromASnapshotWithLearnersKnowsWhoIsALearner() {
        Cluster c = Cluster.builder().voters(1, 2).learners(3).build();
        c.elect(1);
        for (int i = 0; i < 10; i++) {
            c.core(1).propose(payload("e" + i));
        }
        c.stabilize();
        for (long id : c.ids()) {
            c.node(id).compactNow();
        }
        for (long id : c.ids()) {
            c.crash(id);
        }
        for (long id : c.ids()) {
            c.restart(id);
        }
        ConfState expected = ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(3).build();
        for (long id : c.ids()) {
            assertThat(c.core(id).confState()).as("configuration of %d", id).isEqualTo(expected);
        }
        assertThat(c.core(3).isLearner()).isTrue();
        assertThat(c.core(1).isLearner()).isFalse();

        c.tickUntil(() -> c.leader() != 0, 4 * ELECTION, "a voter is elected after the restart");
        long leader = c.leader();
        assertThat(leader).isIn(1L, 2L);
        assertThat(c.core(leader).status().progress().get(3L).learner()).isTrue();
        var after = c.propose(leader, "after-restart");
        assertThat(c.isApplied(3, after)).isTrue();
    }

    @Test
    void aPromotedLearnerVotesAndCanLead() {
        Cluster c = Cluster.builder().voters(1, 2, 3).learners(4).build();
        c.elect(1);
        c.propose(1, "x");
        var promotion = c.proposeConfChange(1, addVoter(4));
        assertThat(c.isCommitted(promotion)).isTrue();
        c.tickAll(1);
        assertThat(c.core(4).isLearner()).isFalse();
        c.core(1).transferLeadership(4);
        c.stabilize();
        assertThat(c.leader()).as("leadership can go to the promoted learner").isEqualTo(4);
        c.crash(1);
        var write = c.propose(4, "led-by-the-promoted-learner");
        assertThat(c.isCommitted(write)).isTrue();
    }

    @Test
    void demotionGoesThroughAJointConfigurationWithLearnersNext() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        ConfChange demote = ConfChange.newBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT)
                .addChanges(Cluster.single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, 3))
                .build();
        c.proposeConfChange(1, demote);
        ConfState joint = c.core(1).confState();
        assertThat(joint.getVotersList()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(joint.getVotersOutgoingList()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(joint.getLearnersNextList()).containsExactly(3L);
        assertThat(joint.getLearnersList()).isEmpty();
        assertThat(c.core(3).isLearner()).as("still a voter of the outgoing half").isFalse();

        c.proposeConfChange(1, ConfChange.getDefaultInstance());
        ConfState left = c.core(1).confState();
        assertThat(left.getVotersList()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(left.getVotersOutgoingList()).isEmpty();
        assertThat(left.getLearnersList()).containsExactly(3L);
        assertThat(left.getLearnersNextList()).isEmpty();
        c.tickAll(1);
        assertThat(c.core(3).isLearner()).isTrue();
        assertThat(c.core(3).confState()).isEqualTo(left);
    }

    @Test
    void demotionWithAnImplicitJointConfigurationLeavesItAutomatically() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        c.proposeConfChange(1, Cluster.joint(Cluster.single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, 3)));
        c.tickAll(1);
        for (long id : c.ids()) {
            ConfState cs = c.core(id).confState();
            assertThat(cs.getVotersList()).as("voters on %d", id).containsExactlyInAnyOrder(1L, 2L);
            assertThat(cs.getVotersOutgoingList()).isEmpty();
            assertThat(cs.getLearnersList()).containsExactly(3L);
        }
        var write = c.propose(1, "after-demotion");
        assertThat(c.isApplied(3, write)).isTrue();
    }

    @Test
    void leadershipIsNeverTransferredToALearner() {
        Cluster c = Cluster.builder().voters(1, 2, 3).learners(4).build();
        c.elect(1);
        long term = c.core(1).term();
        assertThatThrownBy(() -> c.core(1).transferLeadership(4))
                .isInstanceOfSatisfying(RaftException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER));
        int from = c.sent().size();
        c.core(4).step(timeoutNow(1, 4, term));
        c.stabilize();
        assertThat(c.core(4).role()).as("TimeoutNow to a learner is ignored").isEqualTo(Role.FOLLOWER);
        assertThat(c.core(4).term()).isEqualTo(term);
        assertThat(c.sent().subList(from, c.sent().size())).noneMatch(s -> isVoteRequest(s.message()));
        assertThat(c.leader()).isEqualTo(1);
    }

    @Test
    void campaignOnALearnerIsANoOp() {
        Cluster c = Cluster.builder().voters(1, 2).learners(3).build();
        c.elect(1);
        long term = c.core(3).term();
        int from = c.sent().size();
        c.campaign(3);
        assertThat(c.core(3).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(3).term()).isEqualTo(term);
        assertThat(c.sent().subList(from, c.sent().size())).isEmpty();
    }

    private static RaftMessage timeoutNow(long from, long to, long term) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_TIMEOUT_NOW).setFrom(from).setTo(to).setTerm(term).build();
    }
}
