package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.sim.SimGroup;
import org.understudy.membership.sim.SimRecords;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.MessageType;

/**
 * Issue 5: "{@code replace} is atomic when the leader crashes mid-change (both or neither)". One
 * joint change promotes learner 4 and removes voter 3; the leader (node 1) crashes at three points
 * of it. Whatever happened, once the cluster heals every member holds the same, non-joint registry,
 * and it is either "both" (4 votes, 3 is gone) or "neither" (4 is still a learner, 3 still votes),
 * never one without the other.
 */
class ReplaceAtomicityTest {

    private static final long LEADER = 1;
    private static final long VOTER = 3;

    private enum Outcome { BOTH, NEITHER }

    private ServiceCluster c;
    private long learner;

    /**
     * Voters 1-3 (1 leads), a caught-up learner; returns the leader's last index before the replace.
     * {@code seed} drives the member ids and the nodes' randomized election timeouts.
     */
    private long setUp(long seed) {
        MembershipOptions options = MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(50).build();
        c = new ServiceCluster(seed, options, b -> b.voters(1, 2, 3).founderRecords(SimRecords.founders(1, 2, 3))
                .config(r -> r.randomSeed(seed * 1_000_003L + r.build().id())));
        c.h.elect(LEADER);
        c.propose(30, "before");
        learner = c.addStartedLearner(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001")));
        c.rounds(5);
        assertThat(c.h.group(learner).registry().role(learner)).isEqualTo(MemberRole.LEARNER);
        return c.h.cluster().core(LEADER).lastIndex();
    }

    /** Crash the leader, heal the network, let the others elect, restart it, run: the final registry. */
    private Outcome crashLeaderThenRecover(CompletableFuture<MemberRegistry> replace) {
        c.h.crash(LEADER);
        c.h.cluster().heal();
        c.h.runUntil(() -> c.leader() != 0, 60, "a new leader without node 1");
        c.rounds(10);
        c.h.restart(LEADER);
        c.rounds(30);
        Outcome outcome = settledOutcome();
        if (replace.isDone() && !replace.isCompletedExceptionally()) {
            // The caller may only ever be told "done" for a replace that really happened.
            assertThat(outcome).as("replace reported done").isEqualTo(Outcome.BOTH);
            assertThat(replace.join().role(learner)).isEqualTo(MemberRole.VOTER);
        }
        return outcome;
    }

    /** Every member of the final configuration holds the same registry, not joint, and it is "both" or "neither". */
    private Outcome settledOutcome() {
        long leader = c.leader();
        assertThat(leader).as("a leader after recovery").isNotZero();
        MemberRegistry reference = c.h.group(leader).registry();
        assertThat(reference.isJoint()).as("joint configuration left: %s", reference).isFalse();
        for (long id : reference.ids()) {
            SimGroup g = c.h.group(id);
            assertThat(g.isUp()).as("member %d runs", id).isTrue();
            assertThat(g.registry()).as("registry of node %d", id).isEqualTo(reference);
            assertThat(g.registry().confState()).as("registry matches the core on node %d", id)
                    .isEqualTo(normalized(c.h.cluster().core(id).confState()));
        }
        boolean promoted = reference.role(learner) == MemberRole.VOTER;
        boolean removed = !reference.contains(VOTER);
        assertThat(promoted).as("learner promoted exactly when the voter was removed: %s", reference)
                .isEqualTo(removed);
        if (promoted) {
            assertThat(reference.voters()).hasSize(3);
            return Outcome.BOTH;
        }
        assertThat(reference.role(learner)).isEqualTo(MemberRole.LEARNER);
        assertThat(reference.role(VOTER)).isEqualTo(MemberRole.VOTER);
        return Outcome.NEITHER;
    }

    private static org.understudy.raft.proto.ConfState normalized(org.understudy.raft.proto.ConfState s) {
        return org.understudy.raft.proto.ConfState.newBuilder()
                .addAllVoters(s.getVotersList().stream().sorted().toList())
                .addAllVotersOutgoing(s.getVotersOutgoingList().stream().sorted().toList())
                .addAllLearners(s.getLearnersList().stream().sorted().toList())
                .addAllLearnersNext(s.getLearnersNextList().stream().sorted().toList())
                .setAutoLeave(s.getAutoLeave())
                .build();
    }

    private void assertWritesCommit() {
        var id = c.write("after");
        c.h.runUntil(() -> c.h.cluster().isCommitted(id), 20, "a write commits after the replace");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9, 10, 11})
    void leaderCrashesWithTheEntryOnlyInItsOwnLog_neither(long seed) {
        long before = setUp(seed);
        c.h.cluster().isolate(LEADER);
        CompletableFuture<MemberRegistry> replace = c.service(LEADER).replace(VOTER, learner);
        c.h.settle();
        assertThat(c.h.cluster().core(LEADER).lastIndex()).as("proposed on the leader").isGreaterThan(before);
        assertThat(c.h.cluster().node(2).log().lastIndex()).as("and on no other node").isEqualTo(before);
        assertThat(replace).isNotDone();

        assertThat(crashLeaderThenRecover(replace)).isEqualTo(Outcome.NEITHER);
        assertWritesCommit();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9, 10, 11})
    void leaderCrashesAfterTheEntryReachedOneFollower_theNextLeaderFinishesIt_both(long seed) {
        long before = setUp(seed);
        // Node 2 gets the joint entry but its answer is lost; 3 and the learner get nothing: not committed.
        c.h.cluster().drop(m -> m.getType() == MessageType.MSG_APPEND && (m.getTo() == VOTER || m.getTo() == learner));
        c.h.cluster().drop(m -> m.getType() == MessageType.MSG_APPEND_RESP && m.getFrom() == 2);
        CompletableFuture<MemberRegistry> replace = c.service(LEADER).replace(VOTER, learner);
        c.h.settle();
        assertThat(c.h.cluster().node(2).log().lastIndex()).as("the entry reached node 2").isGreaterThan(before);
        assertThat(c.h.cluster().core(LEADER).commitIndex()).as("not committed").isLessThanOrEqualTo(before);

        Outcome outcome = crashLeaderThenRecover(replace);
        // Every node that can win an election (2 alone, or 2 or 1 with 3) holds the entry, so Raft
        // commits it under the next leader: the replace happens although its proposer crashed.
        assertThat(outcome).isEqualTo(Outcome.BOTH);
        assertWritesCommit();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9, 10, 11})
    void leaderCrashesAfterTheJointConfigurationWasEntered_both(long seed) {
        long before = setUp(seed);
        long jointIndex = before + 1;
        // Let the joint entry commit and apply, but lose every append that carries the entry leaving it.
        c.h.cluster().drop(m -> m.getType() == MessageType.MSG_APPEND
                && m.getEntriesList().stream().anyMatch(e -> e.getIndex() > jointIndex));
        CompletableFuture<MemberRegistry> replace = c.service(LEADER).replace(VOTER, learner);
        c.rounds(3);
        List<Long> joint = new ArrayList<>();
        for (SimGroup g : c.h.running()) {
            if (g.registry().isJoint()) {
                joint.add(g.id());
            }
        }
        assertThat(joint).as("nodes in the joint configuration").contains(LEADER);
        assertThat(c.h.cluster().core(LEADER).lastIndex()).isGreaterThan(jointIndex);
        assertThat(c.h.cluster().node(LEADER).log().entries(jointIndex + 1, jointIndex + 2, Long.MAX_VALUE).get(0)
                .getType()).isEqualTo(EntryType.ENTRY_CONF_CHANGE);
        assertThat(replace).as("not done until the joint configuration is left").isNotDone();

        assertThat(crashLeaderThenRecover(replace)).isEqualTo(Outcome.BOTH);
        assertWritesCommit();
    }

    @Test
    void replacingTheLeaderHandsLeadershipOverFirst() {
        setUp(7);
        MemberRegistry after = c.await(c.service(2).replace(LEADER, learner), 60); // forwarded to 1, which hands over
        assertThat(after.role(learner)).isEqualTo(MemberRole.VOTER);
        assertThat(after.contains(LEADER)).isFalse();
        assertThat(c.leader()).isIn(2L, 3L, learner);
        c.rounds(5);
        for (long id : after.ids()) {
            assertThat(c.h.group(id).registry().contains(LEADER)).as("node %d", id).isFalse();
            assertThat(c.h.group(id).registry().role(learner)).as("node %d", id).isEqualTo(MemberRole.VOTER);
        }
        assertThat(c.events(MembershipEvent.Replaced.class)).singleElement()
                .satisfies(r -> assertThat(r.voterId()).isEqualTo(LEADER));
        assertWritesCommit();
    }
}
