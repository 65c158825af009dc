package org.understudy.membership.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

/**
 * Issue 5: "the registry is identical on every node after random changes and crashes". Random
 * add-learner / promote / remove / replace with records, commands, crashes and restarts (leaders
 * too), forced compactions that make laggards install snapshots; after every step, any two nodes
 * that applied the same configuration change hold equal registries, and every quiet node's
 * registry matches its core's configuration. At the end every member converges to one registry,
 * which survives a restart of each node and a snapshot install on a new joiner.
 *
 * <p>Seeds: {@code -Dmembership.seeds=N} (default 24) runs seeds 1..N;
 * {@code -Dmembership.seed=S} replays one.
 */
class RegistryConvergenceTest {
    private static final int STEPS = 40;

    @Test
    void registryIsIdenticalOnEveryNodeAfterRandomChangesAndCrashes() {
        String one = System.getProperty("membership.seed");
        if (one != null) {
            new Run(Long.parseLong(one)).go();
            return;
        }
        int seeds = Integer.getInteger("membership.seeds", 24);
        long started = System.nanoTime();
        long changes = 0;
        long crashes = 0;
        long installs = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            Run run = new Run(seed);
            run.go();
            changes += run.changesDone;
            crashes += run.crashes;
            installs += run.snapshotInstalls();
        }
        System.out.printf("RegistryConvergenceTest: %d seeds in %d ms: %d membership changes applied, %d crashes,"
                + " %d snapshot installs on the surviving nodes%n", seeds, (System.nanoTime() - started) / 1_000_000,
                changes, crashes, installs);
        assertThat(installs).as("the runs exercise snapshot installs").isGreaterThan(seeds);
    }

    /** One seeded run. */
    private static final class Run {
        private final long seed;
        private final Random random;
        private final SimHarness h;
        private final Deque<String> trace = new ArrayDeque<>();
        /** The registry first seen at each configuration index, by any node. */
        private final Map<Long, MemberRegistry> atConfIndex = new HashMap<>();
        private long nextId = 4;
        private long down; // the crashed node, or 0
        private int changesDone;
        private int crashes;

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            int snapshotEvery = new int[] {3, 5, 8}[random.nextInt(3)];
            this.h = SimHarness.builder()
                    .voters(1, 2, 3)
                    .founderRecords(SimRecords.founders(1, 2))
                    .snapshotEvery(snapshotEvery)
                    .config(b -> b.randomSeed(seed * 1_000_003L + b.build().id()))
                    .build();
            note("snapshotEvery " + snapshotEvery);
        }

        void go() {
            try {
                h.elect(1);
                for (int step = 0; step < STEPS; step++) {
                    step();
                    checkConsistent();
                }
                converge();
                checkSurvivesRestarts();
                checkJoinerGetsItBySnapshot();
                assertThat(changesDone).as("the run made membership changes").isGreaterThan(3);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " failed (replay: mvn -o -pl membership test"
                        + " -Dtest=RegistryConvergenceTest -Dmembership.seed=" + seed + "); last steps:\n  "
                        + String.join("\n  ", trace) + "\n" + h.cluster().describe(), t);
            }
        }

        // ------------------------------------------------------------ one random step

        private void step() {
            long leader = awaitLeader();
            MemberRegistry reg = h.group(leader).registry();
            int dice = random.nextInt(100);
            if (dice < 15) {
                int n = 1 + random.nextInt(4);
                note("propose " + n + " commands on " + leader);
                for (int i = 0; i < n; i++) {
                    try {
                        h.cluster().core(leader).propose(com.google.protobuf.ByteString.copyFromUtf8("c" + i));
                    } catch (RaftException e) {
                        note("  refused: " + e.code());
                    }
                }
                h.tickAll(1 + random.nextInt(3));
            } else if (dice < 33) {
                addLearner(leader, reg);
            } else if (dice < 48) {
                orElseAdd(promote(leader, reg), leader, reg);
            } else if (dice < 58) {
                orElseAdd(removeLearner(leader, reg), leader, reg);
            } else if (dice < 66) {
                orElseAdd(removeVoter(leader, reg), leader, reg);
            } else if (dice < 76) {
                orElseAdd(replace(leader, reg), leader, reg);
            } else if (dice < 88) {
                crashOrRestart(leader);
            } else if (dice < 91) {
                transfer(leader, reg);
            } else if (dice < 95) {
                note("compact the leader " + leader + "'s log");
                h.cluster().node(leader).compactNow();
                h.tickAll(2);
            } else {
                int rounds = 1 + random.nextInt(h.electionTick());
                note("tick " + rounds);
                h.tickAll(rounds);
            }
        }

        /** When a change does not fit the configuration, adds a learner instead (keeps runs busy). */
        private void orElseAdd(boolean tried, long leader, MemberRegistry reg) {
            if (!tried) {
                addLearner(leader, reg);
            }
        }

        private void addLearner(long leader, MemberRegistry reg) {
            if (reg.learners().size() >= 2 || reg.size() >= 7 || reg.isJoint()) {
                return;
            }
            long id = nextId++;
            Member record = SimRecords.member(id).toBuilder().setStandby(random.nextBoolean())
                    .setAutoPromote(random.nextBoolean()).build();
            h.startJoiner(id);
            change(leader, "add learner " + id, SimRecords.with(ConfChanges.addLearner(id), List.of(record)));
        }

        private boolean promote(long leader, MemberRegistry reg) {
            List<Member> learners = reg.learners();
            if (learners.isEmpty() || reg.isJoint()) {
                return false;
            }
            Member m = learners.get(random.nextInt(learners.size()));
            List<Member> update = random.nextBoolean() ? List.of()
                    : List.of(m.toBuilder().setStandby(false).addClientUrls("http://promoted:1").build());
            change(leader, "promote " + m.getId(), SimRecords.with(ConfChanges.promote(m.getId()), update));
            return true;
        }

        private boolean removeLearner(long leader, MemberRegistry reg) {
            List<Member> learners = reg.learners();
            if (learners.isEmpty() || reg.isJoint()) {
                return false;
            }
            long id = learners.get(random.nextInt(learners.size())).getId();
            if (change(leader, "remove learner " + id, SimRecords.with(ConfChanges.remove(id), List.of(), id))) {
                destroy(id);
            }
            return true;
        }

        /** Removes a follower voter, keeping at least three voters and a live quorum. */
        private boolean removeVoter(long leader, MemberRegistry reg) {
            List<Long> voters = voterIds(reg);
            if (voters.size() <= 3 || reg.isJoint()) {
                return false;
            }
            long id = pickFollowerVoter(leader, voters);
            if (id == 0) {
                return false;
            }
            if (change(leader, "remove voter " + id, SimRecords.with(ConfChanges.remove(id), List.of(), id))) {
                destroy(id);
            }
            return true;
        }

        /** Replaces a follower voter by a learner in one joint change. */
        private boolean replace(long leader, MemberRegistry reg) {
            List<Member> learners = reg.learners().stream().filter(m -> h.group(m.getId()).isUp()).toList();
            if (learners.isEmpty() || reg.isJoint()) {
                return false;
            }
            long voter = pickFollowerVoter(leader, voterIds(reg));
            if (voter == 0) {
                return false;
            }
            Member learner = learners.get(random.nextInt(learners.size()));
            ConfChange cc = SimRecords.with(ConfChanges.replace(voter, learner.getId()),
                    List.of(learner.toBuilder().setName(learner.getName() + "-voter").build()), voter);
            if (change(leader, "replace voter " + voter + " by " + learner.getId(), cc)) {
                h.runUntil(() -> h.leader() != 0 && !h.group(h.leader()).registry().isJoint(), 100, "joint left");
                destroy(voter);
            }
            return true;
        }

        private void transfer(long leader, MemberRegistry reg) {
            List<Long> targets = voterIds(reg).stream().filter(v -> v != leader && h.group(v).isUp()).toList();
            if (targets.isEmpty()) {
                return;
            }
            long to = targets.get(random.nextInt(targets.size()));
            note("transfer leadership " + leader + " -> " + to);
            CompletableFuture<Void> f = h.group(leader).transferLeadership(to);
            h.runUntil(f::isDone, 3 * h.electionTick(), "transfer settled");
            note("  " + (f.isCompletedExceptionally() ? "failed" : "done") + ", leader " + h.leader());
        }

        /** A follower voter that may go (the crashed node, if any, or any when all are up), or 0. */
        private long pickFollowerVoter(long leader, List<Long> voters) {
            if (down != 0) {
                return voters.contains(down) && down != leader ? down : 0;
            }
            List<Long> followers = voters.stream().filter(v -> v != leader).toList();
            return followers.get(random.nextInt(followers.size()));
        }

        private void crashOrRestart(long leader) {
            if (down != 0) {
                note("restart " + down);
                h.restart(down);
                down = 0;
                return;
            }
            List<Long> ids = h.cluster().ids();
            long id = random.nextInt(4) == 0 ? leader : ids.get(random.nextInt(ids.size()));
            note("crash " + id + (id == leader ? " (the leader)" : ""));
            crashes++;
            h.crash(id);
            down = id;
        }

        /** Proposes on the leader and runs until done; returns whether it was applied there. */
        private boolean change(long leader, String what, ConfChange cc) {
            note(what + " on " + leader);
            CompletableFuture<ConfState> f = h.group(leader).changeMembership(cc);
            try {
                h.runUntil(f::isDone, 50, what);
            } catch (AssertionError stuck) {
                note("  not done within 50 rounds");
                return false;
            }
            if (f.isCompletedExceptionally()) {
                note("  failed: " + f.handle((v, e) -> e.getCause() != null ? e.getCause() : e).join());
                return false;
            }
            changesDone++;
            note("  applied: " + h.group(leader).registry());
            return true;
        }

        private void destroy(long id) {
            if (!h.cluster().ids().contains(id)) {
                return;
            }
            note("destroy " + id);
            h.destroy(id);
            if (down == id) {
                down = 0;
            }
        }

        long snapshotInstalls() {
            return h.groups().stream().mapToLong(g -> g.node().snapshotsInstalled()).sum();
        }

        private long awaitLeader() {
            if (h.leader() == 0) {
                h.runUntil(() -> h.leader() != 0, 200, "a leader");
            }
            return h.leader();
        }

        private static List<Long> voterIds(MemberRegistry reg) {
            return reg.voters().stream().map(Member::getId).toList();
        }

        // ------------------------------------------------------------ checks

        /** Equal change, equal registry; a quiet node's registry is its core's configuration. */
        private void checkConsistent() {
            for (SimGroup g : h.groups()) {
                MemberRegistry r = g.registry();
                if (r.size() == 0) {
                    continue; // a joiner that has not received its first snapshot yet
                }
                MemberRegistry first = atConfIndex.putIfAbsent(r.confIndex(), r);
                if (first != null) {
                    assertThat(r).as("node %d's registry at configuration index %d", g.id(), r.confIndex())
                            .isEqualTo(first);
                }
                assertThat(r.ids()).as("node %d: records are exactly the configuration's members", g.id())
                        .containsExactlyElementsOf(idsOf(r.confState()));
                if (g.isUp() && r.confIndex() > 0) {
                    assertThat(r.confState()).as("node %d: registry vs core configuration", g.id())
                            .isEqualTo(sorted(g.node().core().confState()));
                }
            }
        }

        /** Heals everything and runs until every member has applied the leader's log. */
        private void converge() {
            note("converge");
            h.cluster().heal();
            if (down != 0) {
                h.restart(down);
                down = 0;
            }
            long leader = awaitLeader();
            h.runUntil(() -> !h.group(h.leader()).registry().isJoint(), 100, "no joint configuration");
            // strays: nodes whose removal committed but whose destroy was skipped
            for (long id : h.cluster().ids()) {
                if (h.group(awaitLeader()).registry().role(id) == MemberRole.NONE) {
                    destroy(id);
                }
            }
            h.runUntil(this::allCaughtUp, 300, "every member applied the leader's log");
            checkConsistent();
            MemberRegistry reference = h.group(h.leader()).registry();
            for (SimGroup g : h.groups()) {
                assertThat(g.registry()).as("node %d", g.id()).isEqualTo(reference);
                assertThat(g.user().digest()).as("node %d's user state", g.id())
                        .isEqualTo(h.group(h.leader()).user().digest());
            }
            assertThat(reference.ids()).containsExactlyElementsOf(h.cluster().ids());
            assertThat(leader).isNotZero();
        }

        private boolean allCaughtUp() {
            long leader = h.leader();
            if (leader == 0) {
                return false;
            }
            long last = h.group(leader).status().lastIndex();
            return h.groups().stream().allMatch(g -> g.isUp() && g.status().appliedIndex() == last);
        }

        /** Crash and restart every node in turn; each comes back with the same registry. */
        private void checkSurvivesRestarts() {
            MemberRegistry reference = h.group(h.leader()).registry();
            for (long id : h.cluster().ids()) {
                note("restart check: " + id);
                if (random.nextBoolean() && h.leader() != 0) {
                    h.cluster().node(h.leader()).compactNow();
                }
                h.crash(id);
                h.restart(id);
                checkConsistent(); // whatever it restored or replayed is some node's registry at that index
                awaitLeader();
                h.runUntil(this::allCaughtUp, 300, "caught up after restarting " + id);
                assertThat(h.group(id).registry()).as("node %d after its restart", id).isEqualTo(reference);
            }
            for (SimGroup g : h.groups()) {
                assertThat(g.registry()).as("node %d", g.id()).isEqualTo(h.group(h.leader()).registry());
            }
        }

        /** A learner added now starts from the leader's snapshot (the log is compacted) and agrees. */
        private void checkJoinerGetsItBySnapshot() {
            long leader = awaitLeader();
            h.cluster().node(leader).compactNow();
            long id = nextId++;
            h.startJoiner(id);
            assertThat(change(leader, "final learner " + id, SimRecords.with(ConfChanges.addLearner(id),
                    List.of(SimRecords.member(id))))).isTrue();
            h.runUntil(this::allCaughtUp, 300, "final learner caught up");
            assertThat(h.group(id).user().restores()).as("the joiner installed a snapshot").isGreaterThanOrEqualTo(1);
            for (SimGroup g : h.groups()) {
                assertThat(g.registry()).as("node %d", g.id()).isEqualTo(h.group(leader).registry());
            }
            assertThat(h.group(id).registry().role(id)).isEqualTo(MemberRole.LEARNER);
        }

        private static List<Long> idsOf(ConfState c) {
            java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
            ids.addAll(c.getVotersList());
            ids.addAll(c.getVotersOutgoingList());
            ids.addAll(c.getLearnersList());
            ids.addAll(c.getLearnersNextList());
            return new ArrayList<>(ids);
        }

        private static ConfState sorted(ConfState c) {
            return ConfState.newBuilder()
                    .addAllVoters(c.getVotersList().stream().sorted().toList())
                    .addAllVotersOutgoing(c.getVotersOutgoingList().stream().sorted().toList())
                    .addAllLearners(c.getLearnersList().stream().sorted().toList())
                    .addAllLearnersNext(c.getLearnersNextList().stream().sorted().toList())
                    .setAutoLeave(c.getAutoLeave())
                    .build();
        }

        private void note(String line) {
            trace.addLast("r" + h.round() + " " + line);
            if (trace.size() > 40) {
                trace.removeFirst();
            }
        }
    }
}
