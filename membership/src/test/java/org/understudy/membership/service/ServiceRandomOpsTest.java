package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.sim.SimGroup;
import org.understudy.membership.sim.SimRecords;
import org.understudy.raft.RaftException;
import org.understudy.raft.proto.ConfState;

/**
 * Issue 5: "the registry is identical on every node after random changes and crashes", through the
 * operator API. Random add / promote / remove / replace requests sent to random nodes (followers
 * forward them to the leader, the leader may hand itself over), interleaved with writes, crashes and
 * restarts (the leader's too), isolated nodes and idle time. After every step any two nodes that
 * applied the same configuration change hold equal registries and each running node's registry is
 * its core's configuration; at the end every member holds the leader's registry, not joint.
 *
 * <p>Seeds: {@code -Dmembership.seeds=N} (default 40) runs seeds 1..N;
 * {@code -Dmembership.seed=S} replays one. The seed of a failing run is in the failure message.
 */
class ServiceRandomOpsTest {
    private static final int STEPS = 40;
    private static final int AWAIT_ROUNDS = 60;

    @Test
    void theRegistryIsIdenticalOnEveryNodeAfterRandomServiceOperationsCrashesAndPartitions() {
        String one = System.getProperty("membership.seed");
        if (one != null) {
            new Run(Long.parseLong(one)).go();
            return;
        }
        int seeds = Integer.getInteger("membership.seeds", 40);
        long started = System.nanoTime();
        int done = 0;
        int refused = 0;
        Map<String, Integer> byKind = new java.util.TreeMap<>();
        for (long seed = 1; seed <= seeds; seed++) {
            Run run = new Run(seed);
            run.go();
            done += run.done;
            refused += run.refused;
            run.doneByKind.forEach((k, v) -> byKind.merge(k, v, Integer::sum));
        }
        System.out.printf("ServiceRandomOpsTest: seeds 1..%d in %d ms: %d operations done %s, %d refused or failed%n",
                seeds, (System.nanoTime() - started) / 1_000_000, done, byKind, refused);
        assertThat(done).as("the runs change the membership").isGreaterThan(seeds * 3);
        assertThat(byKind.keySet()).as("every kind of operation succeeds somewhere")
                .contains("add", "promote", "remove", "replace", "forwarded");
        assertThat(refused).as("and meet refusals").isPositive();
    }

    /** One seeded run. */
    private static final class Run {
        private final long seed;
        private final Random random;
        private final ServiceCluster c;
        private final Deque<String> trace = new ArrayDeque<>();
        private final Map<Long, MemberRegistry> atConfIndex = new HashMap<>();
        private int names;
        private long down;
        private long isolated;
        private final boolean policies;
        int done;
        int refused;
        final Map<String, Integer> doneByKind = new HashMap<>();
        private boolean viaFollower;

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            int snapshotEvery = new int[] {5, 10, 20}[random.nextInt(3)];
            // Now and then the leader-side policies run too, with short times, so that their own
            // changes interleave with the operator's.
            policies = random.nextBoolean();
            MembershipOptions options = MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(50)
                    .maxLearners(2)
                    .autoPromotion(policies && random.nextBoolean())
                    .stabilizationMillis(1_000 + 500L * random.nextInt(5))
                    .standbyFailover(policies && random.nextBoolean())
                    .failoverAfterMillis(3_000 + 500L * random.nextInt(5))
                    .failoverCooldownMillis(1_000L * random.nextInt(6))
                    .staleLearnerAfterMillis(3_000 + 1_000L * random.nextInt(4))
                    .removeStaleLearners(policies && random.nextBoolean())
                    .build();
            this.c = new ServiceCluster(seed, options, b -> b.voters(1, 2, 3).founderRecords(SimRecords.founders(1, 2, 3))
                    .snapshotEvery(snapshotEvery).config(r -> r.randomSeed(seed * 1_000_003L + r.build().id())));
            note("seed " + seed + ", snapshotEvery " + snapshotEvery + ", " + options);
        }

        void go() {
            try {
                c.h.elect(1);
                for (int step = 0; step < STEPS; step++) {
                    step();
                    checkConsistent();
                }
                converge();
                countPolicyChanges();
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " failed (replay: -Dtest=ServiceRandomOpsTest"
                        + " -Dmembership.seed=" + seed + "); last steps:\n  " + String.join("\n  ", trace) + "\n"
                        + c.h.cluster().describe(), t);
            }
        }

        private void countPolicyChanges() {
            for (MembershipEvent e : c.events) {
                String kind = e instanceof MembershipEvent.Promoted p && p.automatic() ? "auto-promotion"
                        : e instanceof MembershipEvent.Replaced r && r.failover() ? "failover"
                        : e instanceof MembershipEvent.Removed r && r.reason().startsWith("stale") ? "stale-removal"
                        : null;
                if (kind != null) {
                    doneByKind.merge(kind, 1, Integer::sum);
                }
            }
        }

        // ------------------------------------------------------------ steps

        private void step() {
            int dice = random.nextInt(100);
            if (dice < 12) {
                writes();
            } else if (dice < 27) {
                add();
            } else if (dice < 42) {
                promote();
            } else if (dice < 52) {
                removeLearner();
            } else if (dice < 58) {
                removeVoter();
            } else if (dice < 68) {
                replace();
            } else if (dice < 80) {
                crashOrRestart();
            } else if (dice < 88) {
                isolateOrHeal();
            } else {
                int rounds = 1 + random.nextInt(policies ? 80 : 15); // long enough for the policies' clocks
                note("idle " + rounds);
                c.rounds(rounds);
            }
            startMissingLearners();
        }

        private void writes() {
            long leader = c.leader();
            if (leader == 0) {
                c.rounds(3);
                return;
            }
            int n = 1 + random.nextInt(8);
            note("write " + n + " on " + leader);
            try {
                c.propose(n, "s" + seed + "-");
            } catch (RaftException e) {
                note("  refused: " + e.getMessage()); // e.g. while it hands leadership over
            }
            c.rounds(1 + random.nextInt(3));
        }

        private void add() {
            int k = ++names;
            AddRequest r = AddRequest.learner("m" + k, List.of("tcp://10.1." + k + ".1:7001"))
                    .withStandby(random.nextInt(3) == 0).withAutoPromote(random.nextInt(3) == 0);
            MemberRegistry result = request("add m" + k, via().add(r)).map(AddResult::registry).orElse(null);
            if (result != null) {
                Member m = result.byName("m" + k).orElseThrow();
                assertThat(result.role(m.getId())).isEqualTo(MemberRole.LEARNER);
                if (random.nextInt(8) != 0) { // now and then a learner is never started
                    startNode(m.getId());
                }
            }
        }

        private void promote() {
            Long id = pick(learnerIds());
            if (id == null) {
                add();
                return;
            }
            request("promote " + id, via().promote(id))
                    .ifPresent(reg -> assertThat(reg.role(id)).isEqualTo(MemberRole.VOTER));
        }

        private void removeLearner() {
            Long id = pick(learnerIds());
            if (id == null) {
                add();
                return;
            }
            request("remove learner " + id, via().remove(id)).ifPresent(reg -> {
                assertThat(reg.contains(id)).isFalse();
                destroy(id);
            });
        }

        private void removeVoter() {
            List<Long> voters = voterIds();
            if (voters.size() <= 3) {
                promote();
                return;
            }
            long id = pick(voters);
            request("remove voter " + id, via().remove(id)).ifPresent(reg -> {
                assertThat(reg.contains(id)).isFalse();
                destroy(id);
            });
        }

        private void replace() {
            Long learner = pick(learnerIds());
            Long voter = pick(voterIds());
            if (learner == null || voter == null) {
                add();
                return;
            }
            request("replace " + voter + " by " + learner, via().replace(voter, learner)).ifPresent(reg -> {
                assertThat(reg.role(learner)).isEqualTo(MemberRole.VOTER);
                assertThat(reg.contains(voter)).isFalse();
                assertThat(reg.isJoint()).isFalse();
                destroy(voter);
            });
        }

        private void crashOrRestart() {
            if (down != 0) {
                note("restart " + down);
                c.h.restart(down);
                down = 0;
                return;
            }
            long leader = c.leader();
            List<Long> ids = c.h.cluster().ids();
            long id = leader != 0 && random.nextInt(3) == 0 ? leader : ids.get(random.nextInt(ids.size()));
            note("crash " + id + (id == leader ? " (the leader)" : ""));
            c.h.crash(id);
            down = id;
        }

        private void isolateOrHeal() {
            if (isolated != 0) {
                note("heal " + isolated);
                c.h.cluster().heal();
                isolated = 0;
                return;
            }
            List<Long> ids = c.h.cluster().ids();
            isolated = ids.get(random.nextInt(ids.size()));
            note("isolate " + isolated + (isolated == c.leader() ? " (the leader)" : ""));
            c.h.cluster().isolate(isolated);
            c.rounds(random.nextInt(25));
        }

        /** Sends through a random running node's service; its forwarder takes it to the leader. */
        private MembershipService via() {
            List<SimGroup> up = c.h.running();
            SimGroup g = up.get(random.nextInt(up.size()));
            viaFollower = g.id() != c.leader();
            note("  via node " + g.id());
            return c.service(g.id());
        }

        /** Runs until {@code f} is done (or gives up and leaves it pending); its value if it succeeded. */
        private <T> java.util.Optional<T> request(String what, CompletableFuture<T> f) {
            note(what);
            c.h.settle();
            for (int i = 0; i < AWAIT_ROUNDS && !f.isDone(); i++) {
                c.round();
            }
            if (!f.isDone()) {
                note("  still pending after " + AWAIT_ROUNDS + " rounds");
                refused++;
                return java.util.Optional.empty();
            }
            if (f.isCompletedExceptionally()) {
                Throwable e = f.handle((v, t) -> t.getCause() != null ? t.getCause() : t).join();
                assertThat(e).as("failures are typed").isInstanceOf(RaftException.class);
                note("  refused: " + ((RaftException) e).code() + " " + e.getMessage());
                refused++;
                return java.util.Optional.empty();
            }
            done++;
            doneByKind.merge(what.substring(0, what.indexOf(' ')), 1, Integer::sum);
            if (viaFollower) {
                doneByKind.merge("forwarded", 1, Integer::sum);
            }
            note("  done");
            return java.util.Optional.of(f.join());
        }

        // ------------------------------------------------------------ nodes

        /** The registry of the leader, or of any running node when there is none. */
        private MemberRegistry view() {
            long leader = c.leader();
            if (leader != 0) {
                return c.h.group(leader).registry();
            }
            return c.h.running().stream().map(SimGroup::registry).max((a, b) -> Long.compare(a.confIndex(), b.confIndex()))
                    .orElse(MemberRegistry.empty());
        }

        private List<Long> learnerIds() {
            return view().learners().stream().map(Member::getId).toList();
        }

        private List<Long> voterIds() {
            return view().voters().stream().map(Member::getId).toList();
        }

        private Long pick(List<Long> ids) {
            return ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
        }

        private void startNode(long id) {
            if (!c.h.cluster().ids().contains(id)) {
                note("  start " + id);
                c.h.startJoiner(id);
            }
        }

        /** A learner whose add succeeded although its caller was told otherwise gets its node too. */
        private void startMissingLearners() {
            MemberRegistry reg = view();
            for (Member m : reg.members()) {
                if (!c.h.cluster().ids().contains(m.getId()) && m.getName().startsWith("m") && random.nextBoolean()) {
                    startNode(m.getId());
                }
            }
        }

        private void destroy(long id) {
            if (!c.h.cluster().ids().contains(id)) {
                return;
            }
            note("  destroy " + id);
            c.h.destroy(id);
            if (down == id) {
                down = 0;
            }
            if (isolated == id) {
                c.h.cluster().heal();
                isolated = 0;
            }
        }

        // ------------------------------------------------------------ checks

        private void checkConsistent() {
            for (SimGroup g : c.h.groups()) {
                MemberRegistry r = g.registry();
                if (r.size() == 0) {
                    continue; // a joiner before its first snapshot
                }
                MemberRegistry first = atConfIndex.putIfAbsent(r.confIndex(), r);
                if (first != null) {
                    assertThat(r).as("node %d's registry at configuration index %d", g.id(), r.confIndex())
                            .isEqualTo(first);
                }
                if (g.isUp() && r.confIndex() > 0) {
                    assertThat(r.confState()).as("node %d: registry vs core configuration", g.id())
                            .isEqualTo(sorted(g.node().core().confState()));
                }
            }
        }

        private void converge() {
            note("converge");
            c.h.cluster().heal();
            isolated = 0;
            if (down != 0) {
                c.h.restart(down);
                down = 0;
            }
            c.h.runUntil(() -> c.leader() != 0 && !view().isJoint(), 200, "a leader, not joint");
            for (long id : c.h.cluster().ids()) {
                if (view().role(id) == MemberRole.NONE) {
                    destroy(id); // removed, but its caller was not told so
                }
            }
            c.h.runUntil(this::allCaughtUp, 300, "every running member applied the leader's log");
            checkConsistent();
            MemberRegistry reference = view();
            assertThat(reference.isJoint()).isFalse();
            assertThat(reference.voters()).as("voters").isNotEmpty();
            for (long id : c.h.cluster().ids()) {
                assertThat(c.h.group(id).registry()).as("node %d", id).isEqualTo(reference);
            }
            assertThat(new TreeSet<>(c.h.cluster().ids())).as("every node is a member")
                    .isSubsetOf(reference.ids());
        }

        private boolean allCaughtUp() {
            long leader = c.leader();
            if (leader == 0) {
                return false;
            }
            long last = c.h.group(leader).status().lastIndex();
            return c.h.groups().stream().allMatch(g -> g.isUp() && g.status().appliedIndex() == last);
        }

        private static ConfState sorted(ConfState s) {
            return ConfState.newBuilder()
                    .addAllVoters(s.getVotersList().stream().sorted().toList())
                    .addAllVotersOutgoing(s.getVotersOutgoingList().stream().sorted().toList())
                    .addAllLearners(s.getLearnersList().stream().sorted().toList())
                    .addAllLearnersNext(s.getLearnersNextList().stream().sorted().toList())
                    .setAutoLeave(s.getAutoLeave())
                    .build();
        }

        private void note(String line) {
            trace.addLast("r" + c.h.round() + " " + line);
            if (trace.size() > 60) {
                trace.removeFirst();
            }
        }
    }
}
