package org.understudy.bench.learner;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The knobs of a learner benchmark run (the command line's options, or a test's).
 *
 * @param logMib MiB of 1 KiB values written before the learner is added
 * @param keys how many distinct keys the writes cycle through (bounds the state, hence the snapshots)
 * @param fillWindow writes in flight while the log is filled (binary protocol, {@link LogFiller})
 * @param clients closed-loop clients of the write load through the phases; 0 for none
 * @param rate writes per second of those clients together at most; 0 for unpaced
 * @param steadySeconds the steady window before the learner is added
 * @param settleSeconds how long the promotion phase goes on after the new member is a voter everywhere
 * @param seed the values' seed
 * @param serverHeap {@code -Xmx} of every raft-kv JVM
 * @param serverJvmFlags more flags for every raft-kv JVM (GC, compiler)
 * @param catchUpTimeout how long the fill, the catch-up and the promotion may each take before the run fails
 */
record LearnerSettings(int logMib, int keys, int fillWindow, int clients, int rate, int steadySeconds, int settleSeconds,
        long seed, String serverHeap, List<String> serverJvmFlags, Duration catchUpTimeout) {

    LearnerSettings {
        if (logMib <= 0 || keys <= 0 || fillWindow <= 0 || clients < 0 || rate < 0 || steadySeconds <= 0 || settleSeconds < 0) {
            throw new IllegalArgumentException("log MiB, keys, the fill window and the steady window must be positive,"
                    + " clients, the rate and the settling window 0 or more: " + logMib + ", " + keys + ", " + fillWindow
                    + ", " + steadySeconds + "; " + clients + ", " + rate + ", " + settleSeconds);
        }
        Objects.requireNonNull(serverHeap, "serverHeap");
        serverJvmFlags = List.copyOf(serverJvmFlags);
        Objects.requireNonNull(catchUpTimeout, "catchUpTimeout");
    }

    /** Writes that fill the log: one per KiB. */
    long fillEntries() {
        return logMib * 1024L;
    }
}
