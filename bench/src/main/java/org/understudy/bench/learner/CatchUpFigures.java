package org.understudy.bench.learner;

import java.util.Optional;

/**
 * How one learner caught up.
 *
 * @param targetIndex the leader's commit index right after the {@code member add}: caught up = the
 *     learner's applied index reached it
 * @param entryBytes the size of one write's log entry ({@link Workload#entryBytes()}); the few
 *     no-op and configuration entries among the {@code targetIndex} are counted as writes
 * @param seconds from just before the {@code member add} to the learner's applied index reaching
 *     {@code targetIndex}, the learner's JVM start included
 * @param learnerStartSeconds from the same moment to the learner's start line: its JVM has started,
 *     the leader has contacted it, its node and HTTP API run (it has applied next to nothing yet)
 * @param snapshot the snapshot the learner received, from its log; empty when it received none
 */
record CatchUpFigures(long targetIndex, int entryBytes, double seconds, double learnerStartSeconds,
        Optional<SnapshotLog.Transfer> snapshot) {

    /** The log the learner caught up with, in bytes. */
    long logBytes() {
        return targetIndex * entryBytes;
    }

    /** {@link #logBytes()} per second of catch-up, in 10^6 bytes per second. */
    double logMegabytesPerSecond() {
        return seconds > 0 ? logBytes() / seconds / 1e6 : Double.NaN;
    }

    /**
     * {@link #logBytes()} per second from the learner's start line on: the replication rate
     * without the JVM start, in 10^6 bytes per second.
     */
    double afterStartMegabytesPerSecond() {
        double replicating = seconds - learnerStartSeconds;
        return replicating > 0 ? logBytes() / replicating / 1e6 : Double.NaN;
    }
}
