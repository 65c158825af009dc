package org.understudy.examples.kv.bench;

/**
 * When each operation of a fixed-rate run is due: operation {@code i} at {@code start + i / rate}
 * seconds. Computed from {@code i}, never by adding periods up, so no rounding drift accumulates
 * over a long run (a double holds nanoseconds exactly for about 100 days).
 */
public record FixedRateSchedule(long start, double opsPerSecond) {

    public FixedRateSchedule {
        if (!(opsPerSecond > 0)) {
            throw new IllegalArgumentException("a rate must be above 0, got " + opsPerSecond);
        }
    }

    /** When operation {@code i} (from 0) is due. */
    public long dueAt(long i) {
        return start + Math.round(i * (1e9 / opsPerSecond));
    }

    /** How many operations are due before {@code t} (those numbered 0 .. result-1). */
    public long dueBefore(long t) {
        if (t <= start) {
            return 0;
        }
        long n = (long) Math.ceil((t - start) * opsPerSecond / 1e9);
        // the division above can be one off around the boundary; settle it with dueAt itself
        while (n > 0 && dueAt(n - 1) >= t) {
            n--;
        }
        while (dueAt(n) < t) {
            n++;
        }
        return n;
    }
}
