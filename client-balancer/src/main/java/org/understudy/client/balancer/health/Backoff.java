package org.understudy.client.balancer.health;

import java.util.Random;

/**
 * Exponential backoff with jitter: the n-th delay (from 0) is {@code base * 2^n}, capped at
 * {@code max}, then multiplied by a random factor in {@code [1 - jitter, 1 + jitter]} and
 * capped at {@code max} again. The jitter keeps many clients that failed at the same moment
 * (a leader crash) from coming back at the same moment. The {@link Random} is injected, so a
 * seed replays the same delays.
 */
public final class Backoff {

    private final long baseMillis;
    private final long maxMillis;
    private final double jitter;
    private final Random random;

    public Backoff(long baseMillis, long maxMillis, double jitter, Random random) {
        if (baseMillis < 0 || maxMillis < baseMillis) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max, was " + baseMillis + ".." + maxMillis);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
        }
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.jitter = jitter;
        this.random = random;
    }

    /** The delay before retry number {@code n} (0 for the first). */
    public long delayMillis(int n) {
        double raw = Math.min((double) maxMillis, baseMillis * Math.pow(2, Math.min(Math.max(n, 0), 40)));
        double factor = jitter == 0 ? 1 : 1 - jitter + 2 * jitter * random.nextDouble();
        return Math.min(maxMillis, Math.round(raw * factor));
    }

    public long baseMillis() {
        return baseMillis;
    }

    public long maxMillis() {
        return maxMillis;
    }
}
