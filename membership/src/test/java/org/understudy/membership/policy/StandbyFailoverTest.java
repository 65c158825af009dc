package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;

class StandbyFailoverTest {

    private static final long ET = 1_000;
    private static final long TICK = 100;
    private static final MembershipOptions ON = MembershipOptions.builder().standbyFailover(true)
            .failoverAfterMillis(30_000).failoverCooldownMillis(60_000).promoteMaxLag(1_000).build();
    private static final Map<Long, Member> STANDBY_4 = Statuses.members(Statuses.member(4, true, false));

    private static Statuses cluster() {
        return Statuses.leader(1).voters(1, 2, 3).learners(4);
    }

    /** Samples every tick in [from, to) and returns the first Replace, or null. */
    private static FailoverDecision.Replace run(StandbyFailover f, CoreStatus s, Map<Long, Member> members, long from,
            long to) {
        for (long t = from; t < to; t += TICK) {
            if (f.decide(s, members, false, t) instanceof FailoverDecision.Replace r) {
                return r;
            }
        }
        return null;
    }

    @Test
    void offByDefault() {
        StandbyFailover f = new StandbyFailover(MembershipOptions.defaults(), ET);
        assertThat(run(f, cluster().inactive(3).build(), STANDBY_4, 0, 120_000)).isNull();
        assertThat(f.decide(cluster().build(), STANDBY_4, false, 120_000).reason()).isEqualTo("standby failover is off");
    }

    @Test
    void refusesAFailoverTimeUnderThreeElectionTimeouts() {
        MembershipOptions tooQuick = ON.toBuilder().failoverAfterMillis(2_999).build();
        assertThatThrownBy(() -> new StandbyFailover(tooQuick, ET)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 3 election timeouts");
    }

    @Test
    void replacesAVoterDownForTheFailoverTime() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        CoreStatus down3 = cluster().inactive(3).build();
        assertThat(run(f, down3, STANDBY_4, 0, 30_000)).isNull();
        FailoverDecision d = f.decide(down3, STANDBY_4, false, 30_000);
        assertThat(d).isInstanceOf(FailoverDecision.Replace.class);
        FailoverDecision.Replace r = (FailoverDecision.Replace) d;
        assertThat(r.voterId()).isEqualTo(3);
        assertThat(r.learnerId()).isEqualTo(4);
        assertThat(r.verdict().accepted()).isTrue();
        assertThat(r.reason()).isEqualTo("voter 3 unreachable for 30000 ms (threshold 30000 ms); standby 4 is ready"
                + " (lag 0), 3 of the new voters reachable");
        assertThat(f.inFlight()).isEqualTo(r);
    }

    @Test
    void aShortPauseResetsTheClock() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        assertThat(run(f, cluster().inactive(3).build(), STANDBY_4, 0, 29_900)).isNull();
        assertThat(f.decide(cluster().build(), STANDBY_4, false, 29_900)).isInstanceOf(FailoverDecision.None.class);
        assertThat(run(f, cluster().inactive(3).build(), STANDBY_4, 30_000, 60_000)).isNull();
        assertThat(f.decide(cluster().inactive(3).build(), STANDBY_4, false, 60_000))
                .isInstanceOf(FailoverDecision.Replace.class);
    }

    @Test
    void theCoresPeriodicFlagResetNeverLooksLikeAnOutage() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        for (long t = 0; t < 400_000; t += TICK) {
            boolean dip = t % ET == 0;
            CoreStatus s = dip ? cluster().inactive(2, 3, 4).build() : cluster().build();
            assertThat(f.decide(s, STANDBY_4, false, t)).isInstanceOf(FailoverDecision.None.class);
        }
    }

    @Test
    void neverReplacesTheLeader() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        CoreStatus s = cluster().build();
        Map<Long, PeerProgress> progress = new TreeMap<>(s.progress());
        PeerProgress self = progress.get(1L);
        progress.put(1L, new PeerProgress(1, false, self.match(), self.next(), self.state(), false, 0, 0));
        CoreStatus selfLooksSilent = new CoreStatus(s.id(), s.term(), s.vote(), s.leaderId(), s.role(), false,
                s.commitIndex(), s.appliedIndex(), s.lastIndex(), s.confState(), progress, 0);
        assertThat(run(f, selfLooksSilent, STANDBY_4, 0, 120_000)).isNull();
    }

    @Test
    void onlyAStandbyLearnerTakesOver() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        Map<Long, Member> plain = Statuses.members(Statuses.member(4, false, true));
        assertThat(run(f, cluster().inactive(3).build(), plain, 0, 120_000)).isNull();
        assertThat(f.decide(cluster().inactive(3).build(), plain, false, 120_000).reason())
                .isEqualTo("voter 3 is down but there is no standby learner");
    }

    @Test
    void neverLeavesTheClusterWithoutAQuorum() {
        // Three voters, two down (a leader without CheckQuorum): the joint change could not commit.
        StandbyFailover f = new StandbyFailover(ON, ET);
        CoreStatus twoDown = cluster().inactive(2, 3).build();
        assertThat(run(f, twoDown, STANDBY_4, 0, 120_000)).isNull();
        assertThat(f.decide(twoDown, STANDBY_4, false, 120_000).reason()).contains("a quorum needs");
        // Two voters, one down: the old half {1, 2} has no reachable majority either.
        StandbyFailover g = new StandbyFailover(ON, ET);
        CoreStatus pair = Statuses.leader(1).voters(1, 2).learners(4).inactive(2).build();
        assertThat(run(g, pair, STANDBY_4, 0, 120_000)).isNull();
    }

    @Test
    void aStandbyThatIsNotReadyIsNotUsedAndTheReasonSaysWhy() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        CoreStatus lagging = cluster().inactive(3).lag(4, 5_000).build();
        assertThat(run(f, lagging, STANDBY_4, 0, 120_000)).isNull();
        assertThat(f.decide(lagging, STANDBY_4, false, 120_000).reason())
                .startsWith("no standby can replace the down voters [3]: cannot replace voter 3 by learner 4: learner 4"
                        + " lags 5000 entries");
    }

    @Test
    void prefersTheLeastLaggingReadyStandby() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        Map<Long, Member> standbys = Statuses.members(Statuses.member(4, true, false), Statuses.member(5, true, false),
                Statuses.member(6, true, false));
        CoreStatus s = Statuses.leader(1).voters(1, 2, 3).learners(4, 5, 6).inactive(3).lag(4, 500).lag(5, 20)
                .inactive(6).lag(6, 0).build();
        FailoverDecision.Replace r = run(f, s, standbys, 0, 30_100);
        assertThat(r).isNotNull();
        assertThat(r.learnerId()).isEqualTo(5);
    }

    @Test
    void oneAtATimeWithACooldownAfterEach() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        Map<Long, Member> standbys = Statuses.members(Statuses.member(6, true, false), Statuses.member(7, true, false));
        CoreStatus twoDown = Statuses.leader(1).voters(1, 2, 3, 4, 5).learners(6, 7).inactive(4, 5).build();
        FailoverDecision.Replace first = run(f, twoDown, standbys, 0, 30_100);
        assertThat(first).isNotNull();
        assertThat(first.voterId()).isEqualTo(4);
        assertThat(first.learnerId()).isEqualTo(6);
        // In flight: nothing else, even though voter 5 is down too and 7 is ready.
        assertThat(run(f, twoDown, standbys, 30_100, 40_000)).isNull();
        assertThat(f.decide(twoDown, standbys, false, 40_000).reason()).contains("in flight");
        // The change applies; the cool-down starts when the caller reports it.
        CoreStatus after = Statuses.leader(1).voters(1, 2, 3, 5, 6).learners(7).inactive(5).build();
        f.onCompleted(40_000);
        assertThat(f.inFlight()).isNull();
        assertThat(run(f, after, standbys, 40_000, 100_000)).isNull();
        assertThat(f.decide(after, standbys, false, 99_900).reason()).startsWith("cooling down");
        FailoverDecision.Replace second = run(f, after, standbys, 100_000, 100_100);
        assertThat(second).isNotNull();
        assertThat(second.voterId()).isEqualTo(5);
        assertThat(second.learnerId()).isEqualTo(7);
    }

    @Test
    void aReplacementSeenInTheConfigurationEndsTheFailoverEvenIfTheCallerForgetsToSay() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        assertThat(run(f, cluster().inactive(3).build(), STANDBY_4, 0, 30_100)).isNotNull();
        assertThat(f.decide(cluster().inactive(3).build(), STANDBY_4, false, 31_000).reason()).contains("in flight");
        CoreStatus replaced = Statuses.leader(1).voters(1, 2, 4).build();
        assertThat(f.decide(replaced, STANDBY_4, false, 32_000).reason()).startsWith("cooling down");
        assertThat(f.inFlight()).isNull();
        assertThat(f.cooldownUntil()).isEqualTo(92_000);
    }

    @Test
    void aFailedFailoverAlsoCoolsDown() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        assertThat(run(f, cluster().inactive(3).build(), STANDBY_4, 0, 30_100)).isNotNull();
        f.onFailed(31_000);
        assertThat(f.cooldownUntil()).isEqualTo(91_000);
        assertThat(run(f, cluster().inactive(3).build(), STANDBY_4, 31_000, 91_000)).isNull();
        assertThat(f.decide(cluster().inactive(3).build(), STANDBY_4, false, 91_000))
                .isInstanceOf(FailoverDecision.Replace.class);
    }

    @Test
    void neverDuringAnotherChangeOrOnAFollower() {
        StandbyFailover f = new StandbyFailover(ON, ET);
        CoreStatus down3 = cluster().inactive(3).build();
        for (long t = 0; t <= 60_000; t += TICK) {
            assertThat(f.decide(down3, STANDBY_4, true, t)).isInstanceOf(FailoverDecision.None.class);
        }
        assertThat(f.decide(cluster().inactive(3).outgoing(1, 2, 3).build(), STANDBY_4, false, 60_100).reason())
                .contains("configuration change is in progress");
        assertThat(f.decide(cluster().role(Role.FOLLOWER).build(), STANDBY_4, false, 60_200).reason())
                .contains("only the leader");
    }

    /**
     * Random outages of every non-leader member; decisions are applied after a random delay. Checked:
     * the leader is never replaced; a replaced voter was inactive in every sample of the failover
     * period; both the old and the new voter set had a reachable majority (naively recounted); never
     * two at once; the cool-down is respected.
     */
    @Test
    void safetyUnderRandomOutages_randomized() {
        int failovers = 0;
        for (long seed = 1; seed <= 40; seed++) {
            try {
                failovers += runRandomized(seed);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " failed", e);
            }
        }
        System.out.println("standby failover property: " + failovers + " failovers over 40 seeds");
        assertThat(failovers).as("the property was exercised").isGreaterThan(20);
    }

    private static int runRandomized(long seed) {
        Random rnd = new Random(seed);
        StandbyFailover f = new StandbyFailover(ON, ET);
        Set<Long> voters = new TreeSet<>(List.of(1L, 2L, 3L, 4L, 5L));
        Set<Long> learners = new TreeSet<>(List.of(6L, 7L));
        Map<Long, Member> members = Statuses.members(Statuses.member(6, true, false), Statuses.member(7, true, false));
        Map<Long, Integer> outage = new HashMap<>();
        Map<Long, Boolean> activeNow = new HashMap<>();
        Map<Long, List<long[]>> history = new HashMap<>(); // id -> (t, active 0/1)
        double outageChance = 0.001 + rnd.nextDouble() * 0.003;
        FailoverDecision.Replace applying = null;
        long applyAt = 0;
        long cooldownUntil = Long.MIN_VALUE;
        int failovers = 0;
        for (long t = 0; t < 400_000; t += TICK) {
            for (long id = 2; id <= 7; id++) {
                int left = outage.getOrDefault(id, 0);
                if (left == 0 && rnd.nextDouble() < outageChance) {
                    left = rnd.nextBoolean() ? 1 + rnd.nextInt(50) : 200 + rnd.nextInt(1_000);
                }
                outage.put(id, Math.max(0, left - 1));
                activeNow.put(id, left == 0);
                history.computeIfAbsent(id, k -> new ArrayList<>()).add(new long[] {t, left == 0 ? 1 : 0});
            }
            if (applying != null && t >= applyAt) {
                voters.remove(applying.voterId());
                voters.add(applying.learnerId());
                learners.remove(applying.learnerId());
                applying = null;
                f.onCompleted(t);
                cooldownUntil = t + ON.failoverCooldownMillis();
            }
            Statuses s = Statuses.leader(1).voters(toArray(voters)).learners(toArray(learners));
            for (long id = 2; id <= 7; id++) {
                if (!activeNow.get(id)) {
                    s.inactive(id);
                }
            }
            CoreStatus status = s.build();
            FailoverDecision d = f.decide(status, members, applying != null, t);
            if (!(d instanceof FailoverDecision.Replace r)) {
                continue;
            }
            String ctx = "seed " + seed + " t=" + t + " voters=" + voters + " learners=" + learners + " " + r;
            if (applying != null) {
                fail("two failovers at once: " + ctx);
            }
            if (t < cooldownUntil) {
                fail("failover inside the cool-down (until " + cooldownUntil + "): " + ctx);
            }
            if (r.voterId() == 1) {
                fail("replaced the leader: " + ctx);
            }
            for (long[] sample : history.get(r.voterId())) {
                if (sample[0] >= t - ON.failoverAfterMillis() && sample[1] == 1) {
                    fail("replaced voter " + r.voterId() + " which was active at " + sample[0] + ": " + ctx);
                }
            }
            Set<Long> after = new TreeSet<>(voters);
            after.remove(r.voterId());
            after.add(r.learnerId());
            requireReachableMajority(voters, history, t, ctx + " (old voters)");
            requireReachableMajority(after, history, t, ctx + " (new voters)");
            failovers++;
            applying = r;
            applyAt = t + TICK * (1 + rnd.nextInt(100));
        }
        return failovers;
    }

    private static long lastActive(List<long[]> samples) {
        for (int i = samples.size() - 1; i >= 0; i--) {
            if (samples.get(i)[1] == 1) {
                return samples.get(i)[0];
            }
        }
        return Long.MIN_VALUE;
    }

    private static void requireReachableMajority(Set<Long> voters, Map<Long, List<long[]>> history, long t, String ctx) {
        int reachable = 0;
        for (long id : voters) {
            if (id == 1 || t - lastActive(history.get(id)) <= ET) {
                reachable++;
            }
        }
        if (reachable < voters.size() / 2 + 1) {
            fail("only " + reachable + " of " + voters + " reachable: " + ctx);
        }
    }

    private static long[] toArray(Set<Long> ids) {
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
