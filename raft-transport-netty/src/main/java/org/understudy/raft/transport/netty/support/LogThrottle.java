package org.understudy.raft.transport.netty.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval, so that a peer that stays down (or a misconfigured one
 * that keeps dialling in, or a client that keeps sending garbage) is reported at WARN, but not
 * thousands of times. Thread-safe.
 */
public final class LogThrottle {
    private static final long NEVER = Long.MIN_VALUE;

    private final long intervalNanos;
    private final AtomicLong lastNanos = new AtomicLong(NEVER);

    public LogThrottle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    /** True if a line may be logged now (and starts a new interval). */
    public boolean allow() {
        long now = System.nanoTime();
        long last = lastNanos.get();
        if (last != NEVER && now - last < intervalNanos) {
            return false;
        }
        return lastNanos.compareAndSet(last, now);
    }
}
