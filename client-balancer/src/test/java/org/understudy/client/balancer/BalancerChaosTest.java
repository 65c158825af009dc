package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.client.balancer.Harness.bytes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.understudy.client.balancer.FakeCluster.Death;
import org.understudy.client.balancer.FakeCluster.Received;

/**
 * Seeded random runs mixing membership changes (learners added, promoted, demoted, removed),
 * leader moves and elections, endpoints dying and coming back, lagging nodes and connections
 * lost after a write was applied, under a stream of mixed requests. After every step and at the
 * end it checks the balancer's promises:
 * <ul>
 *   <li>a request reaches a learner only if it allowed one, or if the balancer's list (by
 *       revision) still had that member as a voter: the list may be stale, never wrong;</li>
 *   <li>the list's revision never goes back;</li>
 *   <li>every request completes, within its deadline, with a response or a typed error;</li>
 *   <li>a write reported as not applied was not applied; a write not safe to repeat is applied
 *       at most once; a successful write was applied;</li>
 *   <li>once the cluster heals and the list is synced, every request succeeds and none reaches
 *       a learner.</li>
 * </ul>
 * Replay one seed with {@code -Dbalancer.chaos.seed=N}; run more with {@code -Dbalancer.chaos.seeds=K}.
 */
class BalancerChaosTest {

    private static final int STEPS = 400;

    static LongStream seeds() {
        String one = System.getProperty("balancer.chaos.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        return LongStream.rangeClosed(1, Long.getLong("balancer.chaos.seeds", 50));
    }

    private record Submitted(Request request, String tag, long at, long deadline, CompletableFuture<Response> future,
                             long[] doneAt) {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theBalancersPromisesHoldUnderRandomMembershipChangesLeaderMovesAndFailures(long seed) {
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " failed (replay: -Dbalancer.chaos.seed=" + seed + "): "
                    + e.getMessage(), e);
        }
    }

    private void run(long seed) {
        Random rnd = new Random(seed * 7919 + 1);
        try (Harness h = new Harness(seed, 3)) {
            h.start(b -> b.syncInterval(Duration.ofSeconds(2)).minSyncInterval(Duration.ofMillis(200))
                    .attemptTimeout(Duration.ofMillis(300)).deadline(Duration.ofSeconds(3)));
            FakeCluster c = h.cluster;
            List<Submitted> all = new ArrayList<>();
            Map<String, Request> byTag = new HashMap<>();
            int[] nextNode = {4};
            long lastRevision = -1;

            for (int step = 0; step < STEPS; step++) {
                int roll = rnd.nextInt(100);
                if (roll < 45) {
                    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                        all.add(submitRandom(h, rnd, byTag));
                    }
                } else if (roll < 50) {
                    if (members(c, true).size() < 2) {
                        c.addLearner("n" + nextNode[0]++);
                    }
                } else if (roll < 54) {
                    pick(rnd, members(c, true)).ifPresent(c::promote);
                } else if (roll < 57) {
                    if (members(c, false).size() > 2) {
                        pick(rnd, members(c, false)).ifPresent(c::demote);
                    }
                } else if (roll < 60) {
                    pick(rnd, memberIds(c)).ifPresent(id -> {
                        if (c.node(id).learner || members(c, false).size() > 2) {
                            c.remove(id);
                        }
                    });
                } else if (roll < 66) {
                    if (rnd.nextInt(5) == 0) {
                        c.leader(null);
                    } else {
                        pick(rnd, members(c, false)).ifPresent(c::leader);
                    }
                } else if (roll < 72) {
                    pick(rnd, new ArrayList<>(c.nodes().keySet()))
                            .ifPresent(id -> c.kill(id, rnd.nextBoolean() ? Death.REFUSE : Death.HANG));
                } else if (roll < 80) {
                    pick(rnd, c.nodes().values().stream().filter(n -> !n.alive).map(n -> n.id).toList())
                            .ifPresent(c::revive);
                } else if (roll < 83) {
                    long rev = rnd.nextBoolean() ? -1 : Math.max(1, c.revision() - 1 - rnd.nextInt(3));
                    pick(rnd, memberIds(c)).ifPresent(id -> c.lagging(id, rev));
                } else if (roll < 86) {
                    if (c.leader() != null) {
                        c.node(c.leader()).resetAfterApply++;
                    }
                }
                if (c.leader() == null && rnd.nextInt(3) == 0) {
                    pick(rnd, members(c, false)).ifPresent(c::leader);
                }
                h.scheduler.advance(rnd.nextInt(50));

                long revision = h.balancer.members().revision();
                assertThat(revision).as("the list's revision never goes back (step %d)", step)
                        .isGreaterThanOrEqualTo(lastRevision);
                lastRevision = revision;
                checkLearnerRule(c, byTag);
            }

            // Heal: everyone up, no lag, a leader; every request must finish within its deadline.
            c.nodes().values().forEach(n -> {
                n.alive = true;
                n.servesRevision = -1;
                n.resetAfterApply = 0;
            });
            if (c.leader() == null) {
                c.leader(members(c, false).get(0));
            }
            h.scheduler.advance(10_000);
            checkCompletions(h, all);
            checkLearnerRule(c, byTag);
            assertThat(all.stream().filter(s -> !s.future().isCompletedExceptionally())).as("some requests succeed")
                    .isNotEmpty();

            // A synced list and a healthy cluster: everything succeeds, nothing reaches a learner.
            for (int i = 0; i < 20 && h.balancer.members().revision() != c.revision(); i++) {
                h.scheduler.advance(2_000);
            }
            assertThat(h.balancer.members().revision()).as("periodic syncs caught up: %s vs the cluster's %s",
                    h.balancer.members(), c.listAt(c.revision())).isEqualTo(c.revision());
            List<Submitted> last = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                last.add(submitRandom(h, rnd, byTag));
                h.scheduler.advance(5);
            }
            h.scheduler.advance(5_000);
            for (Submitted s : last) {
                assertThat(s.future()).as("%s after healing", s.request()).isCompletedWithValueMatching(r -> true);
                if (!s.request().allowLearner()) {
                    assertThat(c.received).filteredOn(r -> r.tag().equals(s.tag()))
                            .allMatch(r -> !r.modelLearner() && r.modelMember());
                }
            }
        }
    }

    private static Submitted submitRandom(Harness h, Random rnd, Map<String, Request> byTag) {
        String tag = h.tag("t");
        Request.Builder b = switch (rnd.nextInt(3)) {
            case 0 -> Request.write(bytes(tag));
            case 1 -> Request.linearizableRead(bytes(tag));
            default -> Request.serializableRead(bytes(tag));
        };
        Request probe = b.build();
        if (probe.kind() == RequestKind.WRITE) {
            switch (rnd.nextInt(3)) {
                case 0 -> b.idempotent();
                case 1 -> b.requestId("id-" + tag).retryAfterAmbiguousFailure();
                default -> { }
            }
        } else if (probe.kind() == RequestKind.SERIALIZABLE_READ && rnd.nextInt(3) == 0) {
            b.allowLearner();
        }
        if (rnd.nextInt(4) == 0) {
            b.deadline(Duration.ofMillis(200 + rnd.nextInt(2_000)));
        }
        Request r = b.build();
        byTag.put(tag, r);
        long at = h.scheduler.nowMillis();
        long deadline = r.deadline().map(Duration::toMillis).orElse(h.balancer.options().defaultDeadlineMillis());
        long[] doneAt = {-1};
        CompletableFuture<Response> f = h.balancer.submit(r);
        f.whenComplete((x, t) -> doneAt[0] = h.scheduler.nowMillis());
        return new Submitted(r, tag, at, deadline, f, doneAt);
    }

    /** No request reached a learner unless it allowed one or the balancer's list was (only) stale. */
    private static void checkLearnerRule(FakeCluster c, Map<String, Request> byTag) {
        for (Received r : c.received) {
            Request req = byTag.get(r.tag());
            if (req.allowLearner()) {
                assertThat(r.kind()).isEqualTo(RequestKind.SERIALIZABLE_READ);
                continue;
            }
            assertThat(r.viewSaysVoter()).as("%s went to an endpoint the balancer did not list as a voter", r).isTrue();
            if (r.modelLearner() || !r.modelMember()) {
                assertThat(c.wasVoterAt(r.nodeId(), r.viewRevision()))
                        .as("%s reached a non-voter; the balancer's list (revision %d) must have had it as a voter",
                                r, r.viewRevision())
                        .isTrue();
            }
        }
    }

    private static void checkCompletions(Harness h, List<Submitted> all) {
        FakeCluster c = h.cluster;
        for (Submitted s : all) {
            assertThat(s.future()).as("%s completes", s.request()).isDone();
            assertThat(s.doneAt()[0] - s.at()).as("%s finished within its deadline", s.request())
                    .isLessThanOrEqualTo(s.deadline());
            Request r = s.request();
            int applied = c.appliedCount(s.tag());
            BalancerException e = failure(s.future());
            if (r.kind() != RequestKind.WRITE) {
                assertThat(applied).isZero();
                if (e != null) {
                    assertThat(e.mayHaveBeenApplied()).isFalse();
                }
                continue;
            }
            if (e == null) {
                assertThat(applied).as("%s succeeded, so it was applied", r).isGreaterThanOrEqualTo(1);
            } else {
                assertThat(e.code()).isNotBlank();
                if (!e.mayHaveBeenApplied()) {
                    assertThat(applied).as("%s failed as not applied: %s", r, e.getMessage()).isZero();
                }
            }
            if (!r.idempotent()) {
                assertThat(applied).as("%s is not safe to apply twice", r).isLessThanOrEqualTo(1);
            }
        }
    }

    private static BalancerException failure(CompletableFuture<Response> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(BalancerException.class);
            return (BalancerException) e.getCause();
        }
    }

    private static List<String> members(FakeCluster c, boolean learners) {
        return c.nodes().values().stream().filter(n -> n.member && n.learner == learners).map(n -> n.id).toList();
    }

    private static List<String> memberIds(FakeCluster c) {
        return c.nodes().values().stream().filter(n -> n.member).map(n -> n.id).toList();
    }

    private static java.util.Optional<String> pick(Random rnd, List<String> from) {
        return from.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(from.get(rnd.nextInt(from.size())));
    }

}
