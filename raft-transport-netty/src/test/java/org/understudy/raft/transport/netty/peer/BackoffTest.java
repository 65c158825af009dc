package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesWithJitterUpToTheMaximumAndResets() {
        for (long seed = 1; seed <= 20; seed++) {
            Backoff backoff = new Backoff(100, 1_000, new SplittableRandom(seed));
            long base = 100;
            for (int attempt = 0; attempt < 10; attempt++) {
                long delay = backoff.nextDelayNanos();
                assertThat(delay).as("seed %d attempt %d", seed, attempt).isBetween(base / 2, base);
                base = Math.min(1_000, base * 2);
            }
            backoff.reset();
            assertThat(backoff.nextDelayNanos()).as("seed %d after reset", seed).isBetween(50L, 100L);
        }
    }
}
