package org.understudy.examples.kv.bench;

/**
 * Where a run is, once a second, for the progress line.
 *
 * @param warmup whether the run is still warming up (nothing recorded yet)
 * @param phaseElapsedSeconds time spent in the current phase (warmup or recorded part)
 * @param phaseSeconds the current phase's length
 * @param opsPerSecond operations finished per second since the previous report, whatever their outcome
 * @param latency served operations' latency so far (recorded part only)
 * @param totals outcomes so far (recorded part only)
 * @param leaderChanges leader changes seen so far
 */
public record Progress(boolean warmup, double phaseElapsedSeconds, double phaseSeconds, double opsPerSecond,
                       LatencyStats latency, OutcomeTotals totals, long leaderChanges) {}
