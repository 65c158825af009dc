package org.understudy.examples.kv.bench;

import java.time.Duration;

/**
 * When a run starts, starts recording, and stops sending, on its {@link NanoClock}. An operation is
 * recorded when it started (closed loop) or was due (fixed rate) at or after {@link #recordFrom()}:
 * one that started in the warmup is not, even if it finishes after it.
 */
public record LoadPlan(long start, long recordFrom, long end) {

    public LoadPlan {
        if (recordFrom < start || end <= recordFrom) {
            throw new IllegalArgumentException("a plan runs start <= recordFrom < end, got " + start + ", "
                    + recordFrom + ", " + end);
        }
    }

    /** A plan that starts at {@code now}: {@code warmup}, then {@code duration} recorded. */
    public static LoadPlan startingAt(long now, Duration warmup, Duration duration) {
        long recordFrom = now + warmup.toNanos();
        return new LoadPlan(now, recordFrom, recordFrom + duration.toNanos());
    }

    /** Whether an operation that started (or was due) at {@code t} is recorded. */
    public boolean recorded(long t) {
        return t >= recordFrom;
    }

    /** The recorded part's length in seconds. */
    public double recordedSeconds() {
        return (end - recordFrom) / 1e9;
    }
}
