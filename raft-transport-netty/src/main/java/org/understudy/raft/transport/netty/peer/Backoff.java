package org.understudy.raft.transport.netty.peer;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for reconnecting: each failure doubles the base delay from
 * {@code min} up to {@code max}, and the delay handed out is uniform in {@code [base/2, base]} so
 * that nodes restarted together do not reconnect in lock step. A successful handshake resets it.
 * Not thread-safe: each lane uses its own on its event loop.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private long baseNanos;

    Backoff(long minNanos, long maxNanos, RandomGenerator random) {
        if (minNanos <= 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + minNanos + ", " + maxNanos);
        }
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.random = random;
        this.baseNanos = minNanos;
    }

    /** The delay before the next attempt; grows the base for the one after. */
    long nextDelayNanos() {
        long base = baseNanos;
        baseNanos = base > maxNanos / 2 ? maxNanos : Math.max(minNanos, base * 2);
        long half = base / 2;
        return half + random.nextLong(base - half + 1);
    }

    /** Back to {@code min}: the peer answered. */
    void reset() {
        baseNanos = minNanos;
    }
}
