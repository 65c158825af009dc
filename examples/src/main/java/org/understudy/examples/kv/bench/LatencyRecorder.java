package org.understudy.examples.kv.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records every finished operation: its latency (only when served and recorded, per kind) in
 * HdrHistogram {@link Recorder}s, and its outcome in counters. Memory does not grow with the run's
 * length: histograms of fixed size (1 µs to 1 h at 3 significant digits; a longer latency counts
 * as 1 h) and one counter per error code.
 *
 * <p>{@link #record} is called from whichever threads complete operations (network event loops
 * among them), concurrently: it is wait-free (a recorder's writer side) apart from the first
 * error of a new code. {@link #fold} moves what was recorded since the last fold into the run's
 * totals; one thread at a time (it is synchronized), e.g. the progress reporter once a second.
 */
public final class LatencyRecorder {
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int DIGITS = 3;

    private final Recorder readRecorder = new Recorder(1, HIGHEST_MICROS, DIGITS);
    private final Recorder writeRecorder = new Recorder(1, HIGHEST_MICROS, DIGITS);
    private final Histogram reads = new Histogram(1, HIGHEST_MICROS, DIGITS);
    private final Histogram writes = new Histogram(1, HIGHEST_MICROS, DIGITS);
    private final Histogram all = new Histogram(1, HIGHEST_MICROS, DIGITS);
    private Histogram recycledReads;
    private Histogram recycledWrites;

    private final LongAdder finished = new LongAdder();
    private final LongAdder readsServed = new LongAdder();
    private final LongAdder readsNotFound = new LongAdder();
    private final LongAdder writesServed = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder unknown = new LongAdder();
    private final LongAdder notSent = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    /** The latencies recorded so far, per kind and together. */
    public record Latencies(LatencyStats reads, LatencyStats writes, LatencyStats all) {}

    /**
     * One finished operation.
     *
     * @param since when it started (closed loop) or was due (fixed rate), in clock nanoseconds
     * @param done when it finished
     * @param recorded false for an operation of the warmup: counted in {@link #finished()} only
     */
    public void record(OpKind kind, long since, long done, OpOutcome outcome, boolean recorded) {
        finished.increment();
        if (!recorded) {
            return;
        }
        switch (outcome.status()) {
            case OK, NOT_FOUND -> {
                long micros = Math.min(HIGHEST_MICROS, Math.max(1, (done - since + 999) / 1000));
                if (kind == OpKind.READ) {
                    readRecorder.recordValue(micros);
                    readsServed.increment();
                    if (outcome.status() == OpOutcome.Status.NOT_FOUND) {
                        readsNotFound.increment();
                    }
                } else {
                    writeRecorder.recordValue(micros);
                    writesServed.increment();
                }
            }
            case ERROR -> errors.computeIfAbsent(outcome.code(), c -> new LongAdder()).increment();
            case TIMEOUT -> timeouts.increment();
            case UNKNOWN -> unknown.increment();
        }
    }

    /** Operations of the recorded part that were due but never sent (fixed rate fell behind). */
    public void notSent(long n) {
        notSent.add(n);
    }

    /** Every operation finished so far, warmup included: what ops/s is computed from. */
    public long finished() {
        return finished.sum();
    }

    /** Takes in what was recorded since the last call and returns the latencies of the whole run so far. */
    public synchronized Latencies fold() {
        recycledReads = readRecorder.getIntervalHistogram(recycledReads);
        recycledWrites = writeRecorder.getIntervalHistogram(recycledWrites);
        reads.add(recycledReads);
        writes.add(recycledWrites);
        all.add(recycledReads);
        all.add(recycledWrites);
        return new Latencies(LatencyStats.of(reads), LatencyStats.of(writes), LatencyStats.of(all));
    }

    /** The outcome counters now (exact once nothing is in flight). */
    public OutcomeTotals totals() {
        Map<String, Long> byCode = new TreeMap<>();
        errors.forEach((code, n) -> byCode.put(code, n.sum()));
        return new OutcomeTotals(readsServed.sum(), readsNotFound.sum(), writesServed.sum(), new TreeMap<>(byCode),
                timeouts.sum(), unknown.sum(), notSent.sum());
    }
}
