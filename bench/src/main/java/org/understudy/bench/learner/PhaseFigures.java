package org.understudy.bench.learner;

/**
 * The write load and the elections of one phase.
 *
 * @param seconds how long the phase lasted
 * @param ok writes sent in the phase and answered 200
 * @param failed writes sent in the phase and answered otherwise, or not at all
 * @param p50Millis median latency of the {@code ok} writes, send to answer ({@code NaN} without any)
 * @param p99Millis their 99th percentile
 * @param maxMillis the slowest
 */
record PhaseFigures(String phase, double seconds, long ok, long failed, double p50Millis, double p99Millis,
        double maxMillis, long termChanges, int leaderChanges) {

    static PhaseFigures of(String phase, double seconds, ClosedLoopWriter.Stats writes, ElectionCounter.Elections e) {
        return new PhaseFigures(phase, seconds, writes.ok(), writes.failed(), writes.percentileMillis(50),
                writes.percentileMillis(99), writes.maxMillis(), e.termChanges(), e.leaderChanges());
    }

    /** Acknowledged writes per second of the phase. */
    double writesPerSecond() {
        return seconds > 0 ? ok / seconds : Double.NaN;
    }

    boolean noElections() {
        return termChanges == 0 && leaderChanges == 0;
    }
}
