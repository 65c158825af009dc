package org.understudy.client.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapWithoutJitter() {
        Backoff b = new Backoff(100, 1_000, 0, new Random(1));
        assertThat(new long[] {b.delayMillis(0), b.delayMillis(1), b.delayMillis(2), b.delayMillis(3), b.delayMillis(4),
            b.delayMillis(100)}).containsExactly(100, 200, 400, 800, 1_000, 1_000);
    }

    @Test
    void jitterStaysWithinItsBandAndTheCapAndIsReplayableFromTheSeed() {
        Backoff a = new Backoff(100, 1_000, 0.2, new Random(42));
        Backoff b = new Backoff(100, 1_000, 0.2, new Random(42));
        for (int n = 0; n < 200; n++) {
            long d = a.delayMillis(n % 6);
            long raw = Math.min(1_000, 100L << (n % 6));
            assertThat(d).isBetween(Math.round(raw * 0.8), Math.min(1_000, Math.round(raw * 1.2)));
            assertThat(b.delayMillis(n % 6)).isEqualTo(d);
        }
    }
}
