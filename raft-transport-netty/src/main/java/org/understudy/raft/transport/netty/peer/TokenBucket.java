package org.understudy.raft.transport.netty.peer;

/**
 * A byte-rate limiter for one learner's bulk lane. Tokens refill at {@code bytesPerSecond} up to
 * a small burst (50 ms worth, at least 64 KiB). A message may go whenever the balance is positive
 * and then takes its full size, so the balance can go negative: a 1 MiB snapshot chunk is never
 * stuck behind a bucket smaller than itself, and the average rate still holds because the next
 * message waits until the debt is repaid. Not thread-safe: used on the lane's event loop only.
 */
final class TokenBucket {
    private static final long MIN_BURST = 64 << 10;

    private final long bytesPerSecond;
    private final double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(long bytesPerSecond, long nowNanos) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive, got " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burst = Math.max(MIN_BURST, bytesPerSecond / 20.0);
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes} if the balance is positive; false means wait {@link #nanosUntilAvailable}. */
    boolean tryTake(long bytes, long nowNanos) {
        refill(nowNanos);
        if (tokens <= 0) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /** How long until the balance is positive again (0 if it is). */
    long nanosUntilAvailable(long nowNanos) {
        refill(nowNanos);
        if (tokens > 0) {
            return 0;
        }
        return (long) Math.ceil((1 - tokens) * 1e9 / bytesPerSecond);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * (bytesPerSecond / 1e9));
            lastNanos = nowNanos;
        }
    }
}
