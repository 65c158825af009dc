package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.understudy.raft.core.Role;

class CatchUpEstimatorTest {

    @Test
    void unknownUntilTwoSamples() {
        CatchUpEstimator e = new CatchUpEstimator();
        assertThat(e.estimate(4, 1_000).eta()).isEqualTo(CatchUpEstimate.Eta.UNKNOWN);
        assertThat(e.estimate(4, 1_000).lag()).isEqualTo(-1);
        e.observe(4, 0, 0, 10_000);
        CatchUpEstimate one = e.estimate(4, 1_000);
        assertThat(one.eta()).isEqualTo(CatchUpEstimate.Eta.UNKNOWN);
        assertThat(one.lag()).isEqualTo(10_000);
        assertThat(one.etaMillis()).isEqualTo(-1);
        assertThat(one.ratePerSec()).isNaN();
    }

    @Test
    void rateIsNetOfTheLeadersGrowthAndGivesAnEta() {
        CatchUpEstimator e = new CatchUpEstimator();
        // The leader writes 100 entries/s; the learner replicates 600 entries/s: the lag shrinks by 500/s.
        for (int i = 0; i <= 10; i++) {
            e.observe(4, i * 100L, i * 60L, 20_000 + i * 10L);
        }
        CatchUpEstimate est = e.estimate(4, 1_000);
        assertThat(est.eta()).isEqualTo(CatchUpEstimate.Eta.CONVERGING);
        assertThat(est.ratePerSec()).isCloseTo(500.0, within(1e-9));
        assertThat(est.lag()).isEqualTo(19_500);
        // 18_501 entries to go at 500/s.
        assertThat(est.etaMillis()).isEqualTo(37_002);
    }

    @Test
    void aLearnerSlowerThanTheLeaderNeverConverges() {
        CatchUpEstimator e = new CatchUpEstimator();
        for (int i = 0; i <= 10; i++) {
            e.observe(4, i * 1_000L, i * 900L, 5_000 + i * 1_000L);
        }
        CatchUpEstimate est = e.estimate(4, 1_000);
        assertThat(est.eta()).isEqualTo(CatchUpEstimate.Eta.NOT_CONVERGING);
        assertThat(est.ratePerSec()).isCloseTo(-100.0, within(1e-9));
        assertThat(est.etaMillis()).isEqualTo(-1);
    }

    @Test
    void readyOnceUnderTheThreshold() {
        CatchUpEstimator e = new CatchUpEstimator();
        e.observe(4, 0, 9_000, 10_000);
        e.observe(4, 1_000, 9_500, 10_000);
        CatchUpEstimate est = e.estimate(4, 1_000);
        assertThat(est.eta()).isEqualTo(CatchUpEstimate.Eta.READY);
        assertThat(est.etaMillis()).isZero();
        assertThat(e.estimate(4, 500).eta()).as("lag 500 is not under 500").isEqualTo(CatchUpEstimate.Eta.CONVERGING);
    }

    @Test
    void theEstimateDoesNotDependOnTheSamplingRate() {
        CatchUpEstimator fast = new CatchUpEstimator();
        CatchUpEstimator slow = new CatchUpEstimator();
        for (long t = 0; t <= 20_000; t += 100) {
            long match = t < 10_000 ? t / 10 : 1_000 + (t - 10_000) / 2; // 100/s then 500/s
            fast.observe(4, t, match, 100_000);
            if (t % 1_000 == 0) {
                slow.observe(4, t, match, 100_000);
            }
        }
        assertThat(fast.estimate(4, 1).ratePerSec()).isCloseTo(slow.estimate(4, 1).ratePerSec(), within(1.0));
        assertThat(fast.estimate(4, 1).ratePerSec()).isBetween(400.0, 500.0);
    }

    @Test
    void aJumpIsSmoothed() {
        CatchUpEstimator e = new CatchUpEstimator(5_000);
        for (long t = 0; t <= 10_000; t += 1_000) {
            e.observe(4, t, t / 10, 100_000); // 100/s
        }
        e.observe(4, 11_000, 90_000, 100_000); // a snapshot installed: +88_900 in one second
        double rate = e.estimate(4, 1).ratePerSec();
        double weight = 1 - Math.exp(-1_000.0 / 5_000);
        assertThat(rate).isCloseTo(100 + weight * (89_000 - 100), within(1e-6));
    }

    @Test
    void samplesAStatusAndForgetsRemovedMembers() {
        CatchUpEstimator e = new CatchUpEstimator();
        e.observe(Statuses.leader(1).lastIndex(1_000).voters(1, 2).learners(4).lag(4, 800).build(), 0);
        e.observe(Statuses.leader(1).lastIndex(1_000).voters(1, 2).learners(4).lag(4, 300).build(), 1_000);
        assertThat(e.estimate(4, 100).ratePerSec()).isEqualTo(500.0);
        assertThat(e.estimate(1, 100).eta()).as("the leader itself").isEqualTo(CatchUpEstimate.Eta.UNKNOWN);
        e.observe(Statuses.leader(1).lastIndex(1_000).voters(1, 2).build(), 2_000);
        assertThat(e.estimate(4, 100).eta()).isEqualTo(CatchUpEstimate.Eta.UNKNOWN);
        e.observe(Statuses.leader(1).voters(1, 2).role(Role.FOLLOWER).build(), 3_000); // no progress: ignored
        assertThat(e.estimate(2, 100).lag()).isZero();
    }

    @Test
    void refusesTimeGoingBackwardsAndIgnoresRepeatedInstants() {
        CatchUpEstimator e = new CatchUpEstimator();
        e.observe(4, 1_000, 0, 100);
        e.observe(4, 1_000, 50, 100);
        assertThat(e.estimate(4, 1).lag()).isEqualTo(50);
        assertThat(e.estimate(4, 1).ratePerSec()).isNaN();
        assertThatThrownBy(() -> e.observe(4, 999, 0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CatchUpEstimator(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
