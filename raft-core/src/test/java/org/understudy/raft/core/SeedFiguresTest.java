package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.core.ConfChanges.addLearner;
import static org.understudy.raft.core.ConfChanges.addVoter;
import static org.understudy.raft.core.ConfChanges.remove;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.sim.Cluster;

/**
 * The seed's scenarios (DESIGN.md §9) at the level of the pure core, on the synchronous
 * {@link Cluster} harness (which also checks Raft's safety properties after every round). Figures
 * that need real processes, addresses or clients (force-new-cluster in 9, client routing in 13) are
 * covered here only as far as the core is concerned.
 */
class SeedFiguresTest {

    private static final int ELECTION = 10;

    @Test
    void fig1_newEmptyLearnerCatchesUpUnderLoadWithoutAnElectionAndHeartbeatsKeepFlowing() {
        Cluster c = Cluster.builder().voters(1, 2, 3)
                .config(b -> b.maxSizePerMsg(1024).maxInflightMsgs(4))
                .build();
        c.elect(1);
        for (int i = 0; i < 200; i++) {
            c.core(1).propose(payload("before-" + i));
        }
        c.stabilize();
        long term = c.core(1).term();
        int from = c.sent().size();
        long firstRound = c.round() + 1;

        c.startJoiner(4);
        c.proposeConfChange(1, addLearner(4));
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 5; i++) {
                c.core(1).propose(payload("during-" + round + "-" + i));
            }
            c.tickAll();
        }

        assertThat(c.node(4).stateMachine().appliedIndex())
                .as("the learner caught up").isEqualTo(c.node(1).stateMachine().appliedIndex());
        assertThat(c.leader()).isEqualTo(1);
        assertThat(c.core(1).term()).as("no election: the term never moved").isEqualTo(term);
        List<Cluster.Sent> during = c.sent().subList(from, c.sent().size());
        assertThat(during).as("nobody asked for a vote")
                .noneMatch(s -> isVoteRequest(s.message()));
        for (long round = firstRound; round <= c.round(); round++) {
            for (long follower : new long[] {2, 3}) {
                long r = round;
                assertThat(during).as("leader heartbeat to %d in round %d", follower, r)
                        .anyMatch(s -> s.round() == r && s.message().getType() == MessageType.MSG_HEARTBEAT
                                && s.message().getFrom() == 1 && s.message().getTo() == follower);
            }
        }
    }

    @Test
    void fig2_partitionWhereTheLeaderKeepsAQuorum_clusterKeepsServing() {
        Cluster c = Cluster.builder().voters(1, 2, 3).learners(4).build();
        c.elect(1);
        long term = c.core(1).term();
        c.isolate(3);
        var write = c.propose(1, "while-3-is-away");
        c.tickAll(3 * ELECTION);
        var later = c.propose(1, "still-serving");

        assertThat(c.isCommitted(write)).isTrue();
        assertThat(c.isCommitted(later)).isTrue();
        assertThat(c.isApplied(4, later)).as("the learner still gets everything").isTrue();
        assertThat(c.leader()).isEqualTo(1);
        assertThat(c.core(1).term()).isEqualTo(term);

        c.heal();
        c.tickAll(2);
        assertThat(c.isApplied(3, later)).as("the cut-off follower catches up").isTrue();
        assertThat(c.core(1).term()).as("PreVote: the returning node did not disrupt").isEqualTo(term);
    }

    @Test
    void fig3_isolatedLeaderStepsDownAndMajorityElectsNewLeader() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        var before = c.propose(1, "committed-before");
        c.isolate(1);
        var orphan = c.propose(1, "proposed-to-the-isolated-leader");

        c.tickUntil(() -> c.core(1).role() != Role.LEADER, 2 * ELECTION, "CheckQuorum makes 1 step down");
        c.tickUntil(() -> c.leader() == 2 || c.leader() == 3, 3 * ELECTION, "2 and 3 elect a leader");
        long newLeader = c.leader();
        var after = c.propose(newLeader, "served-by-the-majority");
        assertThat(c.isCommitted(after)).isTrue();
        assertThat(c.isCommitted(orphan)).isFalse();

        c.heal();
        c.tickAll(3);
        assertThat(c.leader()).isEqualTo(newLeader);
        assertThat(c.isApplied(1, after)).as("the old leader follows the new one").isTrue();
        assertThat(c.isCommitted(before)).as("nothing committed is lost").isTrue();
        assertThat(c.isCommitted(orphan)).as("the isolated leader's write was never committed").isFalse();
    }

    @Test
    void fig4_fourVotersSplitThreePlusOneWithTheLeaderInTheThree_keepsServing() {
        Cluster c = Cluster.ofVoters(1, 2, 3, 4);
        c.elect(1);
        long term = c.core(1).term();
        c.isolate(4);
        c.tickAll(3 * ELECTION);
        var write = c.propose(1, "three-of-four");
        assertThat(c.isCommitted(write)).isTrue();
        assertThat(c.leader()).isEqualTo(1);
        assertThat(c.core(1).term()).isEqualTo(term);
        assertThat(c.core(4).term()).as("PreVote keeps the lone node from raising its term").isEqualTo(term);
    }

    @Test
    void fig5_twoTwoSplitHasNoLeaderAndNothingCommits() {
        Cluster c = Cluster.ofVoters(1, 2, 3, 4);
        c.elect(1);
        var before = c.propose(1, "before-the-split");
        c.partition(new long[] {1, 2}, new long[] {3, 4});
        var during = c.propose(1, "during-the-split");
        c.tickAll(4 * ELECTION);

        assertThat(c.leader()).as("no side has a quorum").isZero();
        assertThat(c.isCommitted(during)).isFalse();
        for (long id : c.ids()) {
            assertThatThrownBy(() -> c.core(id).propose(payload("refused")))
                    .isInstanceOfSatisfying(RaftException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER));
        }

        c.heal();
        c.tickUntil(() -> c.leader() != 0, 4 * ELECTION, "a leader after healing");
        var after = c.propose(c.leader(), "after-healing");
        assertThat(c.isCommitted(after)).isTrue();
        for (long id : c.ids()) {
            assertThat(c.isApplied(id, before)).as("nothing lost on %d", id).isTrue();
        }
    }

    @Test
    void fig6_withOneFollowerCutOff_addingAVoterLosesQuorum_addingALearnerKeepsWriting() {
        Cluster voter = Cluster.ofVoters(1, 2, 3);
        voter.elect(1);
        voter.isolate(3);
        var add = voter.proposeConfChange(1, addVoter(4)); // node 4 is not running yet
        assertThat(voter.isCommitted(add)).as("{1,2} of {1,2,3} commit the change").isTrue();
        var stalled = voter.propose(1, "needs-3-of-4");
        voter.tickAll(ELECTION / 2);
        assertThat(voter.isCommitted(stalled)).as("{1,2} of {1,2,3,4} is no quorum").isFalse();

        Cluster learner = Cluster.ofVoters(1, 2, 3);
        learner.elect(1);
        learner.isolate(3);
        var addL = learner.proposeConfChange(1, addLearner(4));
        assertThat(learner.isCommitted(addL)).isTrue();
        var write = learner.propose(1, "learner-costs-nothing");
        assertThat(learner.isCommitted(write)).isTrue();
    }

    @Test
    void fig7_singleNodeAddingVoterStopsCommitting_addingLearnerDoesNot() {
        Cluster voter = Cluster.ofVoters(1);
        voter.elect(1);
        var add = voter.proposeConfChange(1, addVoter(2));
        assertThat(voter.isCommitted(add)).isTrue();
        var stalled = voter.propose(1, "needs-node-2");
        voter.tickAll(ELECTION / 2);
        assertThat(voter.isCommitted(stalled)).as("unavailable until node 2 starts").isFalse();
        voter.startJoiner(2);
        voter.tickUntil(() -> voter.isCommitted(stalled), 3 * ELECTION, "commits once node 2 runs");

        Cluster learner = Cluster.ofVoters(1);
        learner.elect(1);
        learner.proposeConfChange(1, addLearner(2));
        var write = learner.propose(1, "a-learner-costs-nothing");
        assertThat(learner.isCommitted(write)).isTrue();
    }

    @Test
    void fig8_learnerWithDeadAddressIsRemovedAgainWithoutHarm_voterWithDeadAddressStallsTwoNodeCluster() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        long term = c.core(1).term();
        var add = c.proposeConfChange(1, addLearner(9)); // nobody answers at 9
        var write = c.propose(1, "still-writing");
        c.tickAll(2 * ELECTION);
        var removal = c.proposeConfChange(1, remove(9));
        var after = c.propose(1, "after-removal");
        assertThat(List.of(add, write, removal, after)).allMatch(c::isCommitted);
        assertThat(c.core(1).confState().getLearnersList()).isEmpty();
        assertThat(c.core(1).term()).isEqualTo(term);

        Cluster stuck = Cluster.ofVoters(1);
        stuck.elect(1);
        var addVoter = stuck.proposeConfChange(1, addVoter(9));
        assertThat(stuck.isCommitted(addVoter)).isTrue();
        var blocked = stuck.propose(1, "needs-9");
        stuck.tickAll(ELECTION / 2);
        assertThat(stuck.isCommitted(blocked)).isFalse();
        // Even undoing the mistake needs the dead voter's vote: the 2-voter quorum is {1, 9}.
        stuck.tickUntil(() -> stuck.leader() == 0, 2 * ELECTION, "CheckQuorum: 1 steps down");
        assertThatThrownBy(() -> stuck.core(1).proposeConfChange(remove(9)))
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_LEADER));
        stuck.tickAll(4 * ELECTION);
        assertThat(stuck.leader()).as("1 alone can never win {1, 9}").isZero();
    }

    @Test
    void fig9_twoOfFourVotersDown_membershipIsStuck() {
        Cluster c = Cluster.ofVoters(1, 2, 3, 4);
        c.elect(1);
        var before = c.propose(1, "before");
        c.destroy(3);
        c.destroy(4);
        var removal = c.core(1).proposeConfChange(remove(4));
        c.stabilize();
        c.tickAll(ELECTION / 2);
        assertThat(c.isCommitted(removal)).as("removing a dead voter needs 3 of 4").isFalse();
        c.tickAll(4 * ELECTION);
        assertThat(c.leader()).as("no quorum, no leader").isZero();
        assertThat(c.isApplied(2, before)).isTrue();
        // Recovery (force-new-cluster) rewrites the log before the node starts: ForceNewClusterTest
        // (the plan, and a core restarted on it), RaftNodeForceNewClusterTest (the runtime) and the
        // examples' process-level ForceNewClusterTest.
    }

    @Test
    void fig10to12_learnerCaughtUpThenPromoted_afterPromotionCommitsNeedTheNewVoter() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        for (int i = 0; i < 50; i++) {
            c.core(1).propose(payload("load-" + i));
        }
        c.stabilize();
        c.startJoiner(4);
        c.proposeConfChange(1, addLearner(4));
        c.tickAll(2);
        assertThat(c.core(1).status().progress().get(4L).match())
                .as("the learner caught up").isEqualTo(c.core(1).lastIndex());
        var promotion = c.proposeConfChange(1, addVoter(4));
        assertThat(c.isCommitted(promotion)).isTrue();
        assertThat(c.core(1).confState().getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);

        c.isolate(3, 4);
        var needs4 = c.propose(1, "needs-a-third-voter");
        c.tickAll(ELECTION / 2);
        assertThat(c.isCommitted(needs4)).as("{1,2} of four voters").isFalse();
        c.heal();
        c.isolate(3);
        c.tickUntil(() -> c.isCommitted(needs4), ELECTION, "1, 2 and the promoted 4 commit");
    }

    @Test
    void fig10to12_promotingALaggingLearnerTooEarlyCostsTheQuorum() {
        // Before promotion, losing voter 3 is harmless: {1,2} is a majority of {1,2,3}.
        Cluster safe = Cluster.ofVoters(1, 2, 3);
        safe.elect(1);
        safe.proposeConfChange(1, addLearner(4)); // 4 never answers: a lagging learner
        safe.isolate(3);
        var write = safe.propose(1, "fine-without-3");
        assertThat(safe.isCommitted(write)).isTrue();

        // Promoted while still lagging, the same loss stalls writes: {1,2} of {1,2,3,4}.
        Cluster early = Cluster.ofVoters(1, 2, 3);
        early.elect(1);
        early.proposeConfChange(1, addLearner(4));
        var promotion = early.proposeConfChange(1, addVoter(4));
        assertThat(early.isCommitted(promotion)).isTrue();
        early.isolate(3);
        var stalled = early.propose(1, "stalled-without-3");
        early.tickAll(ELECTION / 2);
        assertThat(early.isCommitted(stalled)).isFalse();
    }

    @Test
    void fig13_learnerRefusesWritesAndLeadership_andNeverCampaigns() {
        Cluster c = Cluster.builder().voters(1, 2, 3).learners(4).build();
        c.elect(1);
        assertThatThrownBy(() -> c.core(4).propose(payload("to-a-learner")))
                .isInstanceOfSatisfying(RaftException.class, e -> assertThat(e.code())
                        .isIn(ErrorCode.UNSUPPORTED_ON_LEARNER, ErrorCode.NOT_LEADER));
        assertThatThrownBy(() -> c.core(1).transferLeadership(4))
                .isInstanceOfSatisfying(RaftException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER));

        long term = c.core(4).term();
        int from = c.sent().size();
        c.campaign(4);
        c.isolate(1);
        c.tickAll(6 * ELECTION);
        assertThat(c.sent().subList(from, c.sent().size())).as("the learner asked nobody for a vote")
                .noneMatch(s -> s.message().getFrom() == 4 && isVoteRequest(s.message()));
        assertThat(c.core(4).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.leader()).as("2 or 3 took over").isIn(2L, 3L);
        assertThat(c.core(4).term()).as("only the voters' election moved its term").isGreaterThan(term);
    }

    static com.google.protobuf.ByteString payload(String s) {
        return com.google.protobuf.ByteString.copyFromUtf8(s);
    }

    static boolean isVoteRequest(RaftMessage m) {
        return m.getType() == MessageType.MSG_VOTE || m.getType() == MessageType.MSG_PRE_VOTE;
    }
}
