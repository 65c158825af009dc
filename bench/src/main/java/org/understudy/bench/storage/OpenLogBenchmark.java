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
import org.understudy.raft.memory.MemoryStorageEngine;

/**
 * How long a node waits for its log at start: each measured invocation opens a log of
 * {@code logEntries} entries of {@code logEntryBytes} (1M × 64 B by default), reads
 * {@code lastIndex()} and {@code term(lastIndex())} (what a node needs before it can vote), and
 * closes it. One invocation per iteration ({@link Mode#SingleShotTime}): an open is long and
 * happens once, so its cold cost is the point, not a steady state.
 *
 * <p>The log is built once per trial, in large synced batches. Its files stay in the page cache
 * (dropping caches needs root), so this measures the engine's own work on open (recovery scans,
 * index rebuilds, mapping files), not reading the disk. {@code raw} is the reference: one
 * sequential scan of a plain file checking every record's CRC.
 *
 * <p>The parameter names differ from {@link AppendSyncBenchmark}'s on purpose, so that
 * {@code -p entryBytes=...} on the command line does not change the size of this log.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class OpenLogBenchmark extends StorageBenchmarkFork {

    /** Entries per append while the log is built (one sync each). */
    private static final int FILL_BATCH = 10_000;

    @Param({"raw", "mapdb", "chronicle"})
    public String engine;

    @Param({"1000000"})
    public int logEntries;

    @Param({"64"})
    public int logEntryBytes;

    private Path dir;

    @Setup(Level.Trial)
    public void buildLog() {
        if (MemoryStorageEngine.NAME.equals(engine)) {
            throw new IllegalArgumentException("the memory engine keeps nothing across opens: its open time means nothing");
        }
        dir = BenchDirectory.createTemp("open-" + engine);
        try (BenchLog log = BenchLogs.openOrDelete(engine, dir)) {
            new EntryMaker(logEntryBytes).fill(log, logEntries, FILL_BATCH);
        } catch (RuntimeException e) {
            BenchDirectory.delete(dir);
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void deleteLog() {
        BenchDirectory.delete(dir);
    }

    @Benchmark
    public long openReadLastClose() {
        try (BenchLog log = BenchLogs.open(engine, dir)) {
            long last = log.lastIndex();
            if (last != logEntries) {
                throw new IllegalStateException(engine + " reopened with lastIndex " + last + ", expected " + logEntries);
            }
            return last + log.term(last);
        }
    }
}
