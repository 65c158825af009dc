package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.Role;

class AutoPromotionTest {

    private static final long ET = 1_000;
    private static final long TICK = 100;
    private static final MembershipOptions ON = MembershipOptions.builder().autoPromotion(true).promoteMaxLag(1_000)
            .stabilizationMillis(10_000).promotionBackoff(1_000, 60_000).build();
    private static final Map<Long, Member> AUTO_4 = Statuses.members(Statuses.member(4, false, true));

    private static Statuses cluster() {
        return Statuses.leader(1).voters(1, 2, 3).learners(4);
    }

    /** Samples {@code status} every tick in [from, to) and returns the first decision, if any. */
    private static Optional<AutoPromotion.Decision> run(AutoPromotion p, CoreStatus status, Map<Long, Member> members,
            long from, long to) {
        for (long t = from; t < to; t += TICK) {
            Optional<AutoPromotion.Decision> d = p.decide(status, members, false, t);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    @Test
    void offByDefault() {
        AutoPromotion p = new AutoPromotion(MembershipOptions.defaults(), ET);
        assertThat(run(p, cluster().build(), AUTO_4, 0, 60_000)).isEmpty();
    }

    @Test
    void promotesOnlyLearnersThatAskForIt() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        Map<Long, Member> manual = Statuses.members(Statuses.member(4, false, false));
        assertThat(run(p, cluster().build(), manual, 0, 60_000)).isEmpty();
        assertThat(run(p, cluster().build(), Map.of(), 60_000, 120_000)).as("no record at all").isEmpty();
    }

    @Test
    void promotesAfterExactlyTheStabilizationTime() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        CoreStatus caughtUp = cluster().lag(4, 999).build();
        assertThat(run(p, caughtUp, AUTO_4, 0, 10_000)).isEmpty();
        Optional<AutoPromotion.Decision> d = p.decide(caughtUp, AUTO_4, false, 10_000);
        assertThat(d).isPresent();
        assertThat(d.get().learnerId()).isEqualTo(4);
        assertThat(d.get().verdict().accepted()).isTrue();
        assertThat(d.get().reason()).isEqualTo("learner 4 stayed within 1000 entries of the leader and reachable"
                + " for 10000 ms (stabilization 10000 ms); lag now 999, 90% caught up");
    }

    @Test
    void aLagSpikeRestartsTheClock() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        assertThat(run(p, cluster().build(), AUTO_4, 0, 9_900)).isEmpty();
        assertThat(p.decide(cluster().lag(4, 1_000).build(), AUTO_4, false, 9_900)).isEmpty();
        assertThat(p.stableSince(4)).isEqualTo(-1);
        assertThat(run(p, cluster().build(), AUTO_4, 10_000, 20_000)).isEmpty();
        assertThat(p.decide(cluster().build(), AUTO_4, false, 20_000)).isPresent();
    }

    @Test
    void aSnapshotInFlightRestartsTheClock() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        assertThat(run(p, cluster().build(), AUTO_4, 0, 5_000)).isEmpty();
        assertThat(p.decide(cluster().snapshotting(4, 9_999).build(), AUTO_4, false, 5_000)).isEmpty();
        assertThat(p.stableSince(4)).isEqualTo(-1);
    }

    @Test
    void theCoresPeriodicFlagResetIsNotAnInterruptionButALongerSilenceIs() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        for (long t = 0; t < 10_000; t += TICK) {
            boolean dip = t % ET == 500; // one sample per election timeout finds the flag cleared
            assertThat(p.decide(dip ? cluster().inactive(4).build() : cluster().build(), AUTO_4, false, t)).isEmpty();
        }
        assertThat(p.decide(cluster().build(), AUTO_4, false, 10_000)).isPresent();

        AutoPromotion q = new AutoPromotion(ON, ET);
        assertThat(run(q, cluster().build(), AUTO_4, 0, 5_000)).isEmpty();
        assertThat(run(q, cluster().inactive(4).build(), AUTO_4, 5_000, 6_100)).isEmpty(); // silent > ET
        assertThat(q.stableSince(4)).isEqualTo(-1);
        assertThat(run(q, cluster().build(), AUTO_4, 6_100, 16_100)).isEmpty();
        assertThat(q.decide(cluster().build(), AUTO_4, false, 16_100)).isPresent();
    }

    @Test
    void neverWhileAChangeIsPendingTheConfigurationIsJointOrLeadershipMoves() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        for (long t = 0; t <= 20_000; t += TICK) {
            assertThat(p.decide(cluster().build(), AUTO_4, true, t)).isEmpty();
        }
        CoreStatus joint = cluster().outgoing(1, 2, 5).build();
        assertThat(p.decide(joint, AUTO_4, false, 20_100)).isEmpty();
        assertThat(p.decide(cluster().transferringTo(2).build(), AUTO_4, false, 20_200)).isEmpty();
        // The clock kept running meanwhile: promoted as soon as the way is clear.
        assertThat(p.decide(cluster().build(), AUTO_4, false, 20_300)).isPresent();
    }

    @Test
    void onlyTheLeaderDecidesAndLosingLeadershipForgetsTheClock() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        assertThat(run(p, cluster().build(), AUTO_4, 0, 9_000)).isEmpty();
        assertThat(p.decide(cluster().role(Role.FOLLOWER).build(), AUTO_4, false, 9_000)).isEmpty();
        assertThat(run(p, cluster().build(), AUTO_4, 9_100, 19_100)).isEmpty();
        assertThat(p.decide(cluster().build(), AUTO_4, false, 19_100)).isPresent();
    }

    @Test
    void backsOffExponentiallyAfterRefusalsUpToTheMaximum() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        assertThat(run(p, cluster().build(), AUTO_4, 0, 10_000)).isEmpty();
        long t = 10_000;
        long[] expected = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (long backoff : expected) {
            assertThat(p.decide(cluster().build(), AUTO_4, false, t)).as("due at %d", t).isPresent();
            p.onRefused(4, t);
            assertThat(p.backoffMillis(4)).isEqualTo(backoff);
            assertThat(run(p, cluster().build(), AUTO_4, t + TICK, t + backoff)).as("inside back-off %d", backoff)
                    .isEmpty();
            t += backoff;
        }
        p.onFailed(4, t);
        assertThat(p.notBefore(4)).isEqualTo(t + 60_000);
    }

    @Test
    void aRefusalByItsOwnCheckAlsoBacksOff() {
        // Two voters, one of them silent for long: the promotion could not commit (QUORUM_AT_RISK).
        AutoPromotion p = new AutoPromotion(ON, ET);
        Statuses s = Statuses.leader(1).voters(1, 2).learners(4).inactive(2);
        assertThat(run(p, s.build(), AUTO_4, 0, 10_100)).isEmpty();
        assertThat(p.backoffMillis(4)).isEqualTo(1_000);
        assertThat(p.notBefore(4)).isEqualTo(10_000 + 1_000);
    }

    @Test
    void atMostOneAtATimeTheLongestStableFirst() {
        AutoPromotion p = new AutoPromotion(ON, ET);
        Map<Long, Member> both = Statuses.members(Statuses.member(4, false, true), Statuses.member(5, false, true));
        Statuses cluster = Statuses.leader(1).voters(1, 2, 3).learners(4, 5);
        assertThat(p.decide(cluster.lag(5, 5_000).build(), both, false, 0)).isEmpty(); // 4 starts first
        Optional<AutoPromotion.Decision> d = run(p, cluster.lag(5, 0).build(), both, TICK, 20_000);
        assertThat(d).isPresent();
        assertThat(d.get().learnerId()).isEqualTo(4);

        AutoPromotion tie = new AutoPromotion(ON, ET);
        Optional<AutoPromotion.Decision> first = run(tie, Statuses.leader(1).voters(1, 2, 3).learners(5, 4).build(),
                both, 0, 20_000);
        assertThat(first.get().learnerId()).as("same start: lowest id").isEqualTo(4);
    }

    /**
     * The safety property: whatever the learner's lag and reachability do, a promotion is decided
     * only when every sample of the last stabilization period was within the threshold, without a
     * snapshot in flight, and found the learner seen within an election timeout; never while a change
     * is pending; and never inside a back-off. Checked against a naive restatement over recorded samples.
     */
    @Test
    void neverPromotesALaggingOrFlappingLearner_randomized() {
        int promotions = 0;
        for (long seed = 1; seed <= 300; seed++) {
            try {
                promotions += runRandomized(seed);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " failed", e);
            }
        }
        System.out.println("auto-promotion property: " + promotions + " promotions over 300 seeds");
        assertThat(promotions).as("the property was exercised").isGreaterThan(50);
    }

    private record Sample(long t, long lag, boolean active, boolean snapshot) {}

    private static int runRandomized(long seed) {
        Random rnd = new Random(seed);
        MembershipOptions options = ON.toBuilder().stabilizationMillis(1_000L * (1 + rnd.nextInt(10))).build();
        AutoPromotion p = new AutoPromotion(options, ET);
        double spikeChance = rnd.nextDouble() * 0.05;
        double silenceChance = rnd.nextDouble() * 0.02;
        double pendingChance = rnd.nextDouble() * 0.01;
        List<Sample> samples = new ArrayList<>();
        int silentFor = 0;
        int pendingFor = 0;
        long notBefore = Long.MIN_VALUE;
        long backoff = 0;
        int promoted = 0;
        for (long t = 0; t < 120_000; t += TICK) {
            if (silentFor == 0 && rnd.nextDouble() < silenceChance) {
                silentFor = 1 + rnd.nextInt(25); // from one sample (a flag reset) to 2.5 s
            }
            if (pendingFor == 0 && rnd.nextDouble() < pendingChance) {
                pendingFor = 1 + rnd.nextInt(30);
            }
            long lag = rnd.nextDouble() < spikeChance ? 1_000 + rnd.nextInt(5_000) : rnd.nextInt(1_000);
            boolean snapshot = rnd.nextDouble() < 0.002;
            boolean active = silentFor == 0;
            boolean pending = pendingFor > 0;
            silentFor = Math.max(0, silentFor - 1);
            pendingFor = Math.max(0, pendingFor - 1);
            samples.add(new Sample(t, lag, active, snapshot));
            Statuses s = cluster().lag(4, lag);
            if (!active) {
                s.inactive(4);
            }
            if (snapshot) {
                s.snapshotting(4, 9_000);
            }
            Optional<AutoPromotion.Decision> d = p.decide(s.build(), AUTO_4, pending, t);
            if (d.isEmpty()) {
                continue;
            }
            String ctx = "seed " + seed + " t=" + t + " " + options;
            if (pending) {
                fail("promoted while a change was pending: " + ctx);
            }
            if (t < notBefore) {
                fail("promoted inside a back-off (not before " + notBefore + "): " + ctx);
            }
            checkStableWindow(samples, t, options.stabilizationMillis(), ctx);
            promoted++;
            if (rnd.nextBoolean()) {
                return promoted; // the promotion went through: the learner is a voter now
            }
            p.onRefused(4, t); // refused by the service: back off
            backoff = backoff == 0 ? 1_000 : Math.min(60_000, backoff * 2);
            notBefore = t + backoff;
        }
        return promoted;
    }

    private static void checkStableWindow(List<Sample> samples, long t, long stabilization, String ctx) {
        if (samples.get(0).t() > t - stabilization) {
            fail("promoted before a full stabilization period was sampled: " + ctx);
        }
        long lastActive = Long.MIN_VALUE;
        for (Sample s : samples) {
            if (s.active()) {
                lastActive = s.t();
            }
            if (s.t() < t - stabilization) {
                continue;
            }
            if (s.lag() >= 1_000 || s.snapshot() || lastActive == Long.MIN_VALUE || s.t() - lastActive > ET) {
                fail("promoted although the sample at " + s.t() + " was out (" + s + "): " + ctx);
            }
        }
    }
}
