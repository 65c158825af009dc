package org.understudy.membership.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.membership.sim.SimRecords.member;
import static org.understudy.membership.sim.SimRecords.with;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfState;

/** The simulator's {@code RaftGroup}: futures complete as rounds run, registries follow the log. */
class SimGroupTest {

    private static SimHarness threeVoters(int snapshotEvery) {
        SimHarness h = SimHarness.builder().voters(1, 2, 3).founderRecords(SimRecords.founders(1, 2, 3))
                .snapshotEvery(snapshotEvery).build();
        h.elect(1);
        return h;
    }

    private static void propose(SimHarness h, int commands) {
        for (int i = 0; i < commands; i++) {
            h.cluster().propose(h.leader(), "k" + i + "=v");
        }
        h.settle();
    }

    @Test
    void aChangeCompletesWhenAppliedAndEveryNodeFoldsTheRecord() {
        SimHarness h = threeVoters(0);
        h.startJoiner(4);

        CompletableFuture<ConfState> f = h.group(1).changeMembership(
                with(ConfChanges.addLearner(4), List.of(member(4))));
        assertThat(f).as("nothing completes before the cluster runs").isNotDone();
        ConfState result = h.await(f, 10);

        assertThat(result.getLearnersList()).containsExactly(4L);
        h.runUntil(() -> h.group(4).registry().confIndex() == h.group(1).registry().confIndex(), 50, "joiner caught up");
        for (SimGroup g : h.groups()) {
            MemberRegistry r = g.registry();
            assertThat(r).as("node %d", g.id()).isEqualTo(h.group(1).registry());
            assertThat(r.role(4)).isEqualTo(MemberRole.LEARNER);
            assertThat(r.member(4).orElseThrow().getName()).isEqualTo("n4");
            assertThat(r.member(1).orElseThrow().getName()).as("founder records").isEqualTo("n1");
        }
        assertThat(h.group(4).user().restores()).as("the joiner got the registry through a snapshot").isEqualTo(1);
    }

    @Test
    void proposingOnAFollowerFailsWithALeaderHint() {
        SimHarness h = threeVoters(0);
        CompletableFuture<ConfState> f = h.group(2).changeMembership(ConfChanges.addLearner(4));
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(RaftException.class)
                .satisfies(e -> assertThat(((RaftException) e).leaderHint()).isEqualTo(1));
    }

    @Test
    void continuationsMayProposeTheNextChange() {
        SimHarness h = threeVoters(0);
        h.startJoiner(4);
        CompletableFuture<ConfState> chained = h.group(1)
                .changeMembership(with(ConfChanges.addLearner(4), List.of(member(4))))
                .thenCompose(cs -> h.group(1).changeMembership(ConfChanges.promote(4)));

        ConfState result = h.await(chained, 50);

        assertThat(result.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(h.group(3).registry().role(4)).isEqualTo(MemberRole.VOTER);
        assertThat(h.group(3).registry().member(4).orElseThrow().getName()).isEqualTo("n4");
    }

    @Test
    void listenersSeeEachRegistryInOrderOnceTheClusterIsQuiet() {
        SimHarness h = threeVoters(0);
        h.startJoiner(4);
        List<Long> seen = new ArrayList<>();
        h.group(2).addRegistryListener(r -> seen.add(r.confIndex()));

        h.await(h.group(1).changeMembership(ConfChanges.addLearner(4)), 10);
        h.runUntil(() -> h.group(2).registry().confIndex() == h.group(1).registry().confIndex(), 10, "follower applied");
        h.await(h.group(1).changeMembership(ConfChanges.replace(3, 4)), 10);
        h.runUntil(() -> !h.group(1).registry().isJoint(), 20, "joint configuration left");
        h.runUntil(() -> h.group(2).registry().equals(h.group(1).registry()), 20, "follower applied");

        assertThat(seen).hasSize(3).isSorted();
        assertThat(seen.get(2)).isEqualTo(h.group(1).registry().confIndex());
    }

    @Test
    void readIndexOnAFollowerAndALearnerCompletesOnceAppliedThere() {
        SimHarness h = threeVoters(0);
        h.startJoiner(4);
        h.await(h.group(1).changeMembership(ConfChanges.addLearner(4)), 10);
        propose(h, 3);

        for (long id : new long[] {2, 4, 1}) {
            CompletableFuture<Long> read = h.group(id).readIndex();
            long index = h.await(read, 20);
            assertThat(index).as("node %d", id).isEqualTo(h.group(1).status().commitIndex());
            assertThat(h.group(id).status().appliedIndex()).isGreaterThanOrEqualTo(index);
        }
    }

    @Test
    void readIndexTimesOutWithoutALeader() {
        SimHarness h = threeVoters(0);
        h.cluster().isolate(2);
        CompletableFuture<Long> read = h.group(2).readIndex();
        h.tickAll(2 * h.electionTick() + 2);
        assertThat(read).isCompletedExceptionally();
        assertThatThrownBy(read::join).cause().isInstanceOf(RaftException.class)
                .extracting(e -> ((RaftException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void transferLeadershipCompletesWhenTheTransfereeLeads() {
        SimHarness h = threeVoters(0);
        h.await(h.group(1).transferLeadership(3), 20);
        assertThat(h.leader()).isEqualTo(3);
        assertThat(h.group(3).status().role()).isEqualTo(Role.LEADER);
        assertThat(h.group(3).status().isLeader()).isTrue();
    }

    @Test
    void aCrashFailsPendingRequestsAndTheRestartedNodeHasTheSameRegistry() {
        SimHarness h = threeVoters(4);
        h.startJoiner(4);
        h.await(h.group(1).changeMembership(with(ConfChanges.addLearner(4), List.of(member(4)))), 10);
        propose(h, 10); // several snapshots on every node
        h.cluster().isolate(1);
        CompletableFuture<ConfState> stuck = h.group(1).changeMembership(ConfChanges.promote(4));
        h.tickAll(1);
        assertThat(stuck).isNotDone();

        h.crash(1);

        assertThat(stuck).isCompletedExceptionally();
        assertThat(h.group(1).status().running()).isFalse();
        h.cluster().heal();
        MemberRegistry before = h.group(2).registry();
        h.restart(1);
        h.runUntil(() -> h.leader() != 0, 100, "a new leader");
        // node 1's uncommitted promotion may still win (its log is the longest): compare once all agree
        h.runUntil(() -> h.group(1).registry().equals(h.group(2).registry())
                && h.group(1).registry().equals(h.group(3).registry()), 100, "node 1 caught up");
        assertThat(h.group(1).registry().confIndex()).isGreaterThanOrEqualTo(before.confIndex());
        assertThat(h.group(1).registry().member(4).orElseThrow().getName()).isEqualTo("n4");
        assertThat(h.group(1).user().restores()).as("restarted from its own snapshot").isGreaterThanOrEqualTo(1);
    }

    @Test
    void timeIsTheRoundTimesTheTick() {
        SimHarness h = SimHarness.builder().tickMillis(50).build();
        h.tickAll(7);
        assertThat(h.nowMillis()).isEqualTo(h.round() * 50).isEqualTo(h.clock().getAsLong());
        assertThat(h.group(1).electionTimeoutMillis()).isEqualTo(10 * 50);
        assertThat(h.group(1).snapshotCount()).isEqualTo(20);
    }
}
