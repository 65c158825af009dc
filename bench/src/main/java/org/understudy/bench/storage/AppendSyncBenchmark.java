package org.understudy.bench.storage;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append+sync throughput: each invocation appends one batch of {@code batch} entries of
 * {@code entryBytes} payload bytes, then syncs, as a Raft node's persistence thread does once per
 * {@code Ready}. The score is batches per second; entries/s is {@code score × batch} and bytes/s
 * {@code score × batch × entryBytes} (also reported directly through {@link AppendCounters}).
 *
 * <p>{@code engine=raw} is the {@link RawFileLog} baseline (one write plus fdatasync of the same
 * entries in a plain file): the disk's limit, measured in the same run, so that every engine's
 * score can be read as a ratio of it.
 *
 * <p>Every iteration starts from a fresh, empty log in a fresh folder, deleted afterwards: the
 * log never grows without bound, and no compaction runs inside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class AppendSyncBenchmark extends StorageBenchmarkFork {

    @Param({"raw", "memory", "mapdb", "chronicle"})
    public String engine;

    @Param({"1", "16", "256"})
    public int batch;

    @Param({"64", "1024"})
    public int entryBytes;

    private EntryMaker maker;
    private Path dir;
    private BenchLog log;
    private long nextIndex;

    @Setup(Level.Trial)
    public void makePayload() {
        maker = new EntryMaker(entryBytes);
    }

    @Setup(Level.Iteration)
    public void openFreshLog() {
        dir = BenchDirectory.createTemp("append-" + engine);
        log = BenchLogs.openOrDelete(engine, dir);
        nextIndex = log.lastIndex() + 1;
    }

    @TearDown(Level.Iteration)
    public void closeAndDeleteLog() {
        try {
            if (log != null) {
                log.close();
            }
        } finally {
            log = null;
            BenchDirectory.delete(dir);
        }
    }

    @Benchmark
    public void appendBatchAndSync(AppendCounters counters) {
        log.append(maker.batch(nextIndex, batch));
        log.sync();
        nextIndex += batch;
        counters.entries += batch;
        counters.bytes += (long) batch * entryBytes;
    }

    /** The log being written, for the smoke test. */
    BenchLog log() {
        return log;
    }

    /** The folder of the current iteration's log, for the smoke test. */
    Path dir() {
        return dir;
    }
}
