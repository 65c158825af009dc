package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The learner limiter against a hand-driven clock. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1 << 20;

    @Test
    void aMessageLargerThanTheBurstGoesAndTheNextWaitsForTheDebt() {
        TokenBucket bucket = new TokenBucket(10 * MIB, 0); // burst: 50 ms of 10 MiB/s = 512 KiB
        assertThat(bucket.tryTake(MIB, 0)).isTrue();
        assertThat(bucket.tryTake(1, 0)).isFalse();
        long wait = bucket.nanosUntilAvailable(0);
        // the debt is 1 MiB minus the burst (512 KiB) at 10 MiB/s: about 50 ms
        assertThat(wait).isBetween(SECOND / 20 - 1_000_000, SECOND / 20 + 1_000_000);
        assertThat(bucket.tryTake(1, wait)).isTrue();
    }

    @Test
    void theAverageRateHoldsOverManySends() {
        long rate = 4 * MIB;
        TokenBucket bucket = new TokenBucket(rate, 0);
        long now = 0;
        long sent = 0;
        while (now < 10 * SECOND) {
            if (bucket.tryTake(256 << 10, now)) {
                sent += 256 << 10;
            } else {
                now += bucket.nanosUntilAvailable(now);
            }
        }
        double seconds = now / (double) SECOND;
        assertThat(sent / seconds).isBetween(rate * 0.95, rate * 1.1);
    }

    @Test
    void idleTimeBuysOnlyTheBurst() {
        TokenBucket bucket = new TokenBucket(MIB, 0);
        bucket.tryTake(MIB, 0);
        long later = 100 * SECOND;
        assertThat(bucket.tryTake(10 * MIB, later)).isTrue();
        assertThat(bucket.tryTake(1, later)).as("ten idle seconds did not bank ten seconds of bytes").isFalse();
    }
}
