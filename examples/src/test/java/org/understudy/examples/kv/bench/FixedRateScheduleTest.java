package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedRateScheduleTest {
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime());

    @Test
    void operationIIsDueAtIOverTheRateWithoutDrift() {
        FixedRateSchedule s = new FixedRateSchedule(5_000, 3); // a period of 333,333,333.3 ns
        assertThat(s.dueAt(0)).isEqualTo(5_000);
        assertThat(s.dueAt(1)).isEqualTo(5_000 + 333_333_333);
        assertThat(s.dueAt(3)).isEqualTo(5_000 + 1_000_000_000);
        // a day later still on the exact second: no period is ever added up
        assertThat(s.dueAt(3L * 86_400)).isEqualTo(5_000 + 86_400L * 1_000_000_000);
    }

    @Test
    void dueBeforeCountsExactlyTheOperationsDueBeforeAMoment() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int run = 0; run < 2_000; run++) {
            double rate = 0.5 + random.nextDouble() * 200_000;
            long start = random.nextLong(1L << 50);
            FixedRateSchedule s = new FixedRateSchedule(start, rate);
            long t = start + random.nextLong(10_000_000_000L);
            long n = s.dueBefore(t);
            assertThat(n == 0 || s.dueAt(n - 1) < t).as("seed %d, rate %s, t-start %d: op %d is due before t", SEED,
                    rate, t - start, n - 1).isTrue();
            assertThat(s.dueAt(n)).as("seed %d, rate %s, t-start %d: op %d is due at or after t", SEED, rate,
                    t - start, n).isGreaterThanOrEqualTo(t);
        }
        assertThat(new FixedRateSchedule(100, 10).dueBefore(100)).isZero();
        assertThat(new FixedRateSchedule(100, 10).dueBefore(101)).isEqualTo(1);
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> new FixedRateSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FixedRateSchedule(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
