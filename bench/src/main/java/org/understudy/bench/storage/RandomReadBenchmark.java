package org.understudy.bench.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
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
import org.understudy.raft.proto.Entry;

/**
 * Random reads from a prefilled log ({@code logEntries} entries of {@code entryBytes}), as the
 * Raft event loop does when it replicates to a follower that lags: {@link #entry()} is one
 * {@code entries(i, i + 1, max)}, {@link #term()} one {@code term(i)}, at indexes drawn uniformly
 * from a fixed seed ({@value #SEED}), so every run reads the same sequence.
 *
 * <p>The log is built once per trial and is small enough to sit in the page cache, so this
 * measures an engine's read path (lookup, copy, checksum, parse), not the disk. Engines may also
 * serve recent entries from their heap cache ({@code StorageOptions} default, 32 MiB): reads
 * there are cheaper, as they would be in a running node. {@code raw} (one positional read plus a
 * CRC check per entry, offsets on the heap) and {@code memory} (no I/O at all) are the references.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class RandomReadBenchmark extends StorageBenchmarkFork {

    /** Seed of the read indexes. */
    static final long SEED = 20240501L;

    /** Entries per append while the log is built (one sync each). */
    private static final int FILL_BATCH = 1000;

    @Param({"raw", "memory", "mapdb", "chronicle"})
    public String engine;

    @Param({"200000"})
    public int logEntries;

    @Param({"1024"})
    public int entryBytes;

    private Path dir;
    private BenchLog log;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void buildLog() {
        dir = BenchDirectory.createTemp("read-" + engine);
        log = BenchLogs.openOrDelete(engine, dir);
        new EntryMaker(entryBytes).fill(log, logEntries, FILL_BATCH);
        if (log.lastIndex() != logEntries) {
            throw new IllegalStateException(engine + " holds " + log.lastIndex() + " entries after appending " + logEntries);
        }
        random = new SplittableRandom(SEED);
    }

    @TearDown(Level.Trial)
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
    public List<Entry> entry() {
        long index = nextIndex();
        return log.entries(index, index + 1, Long.MAX_VALUE);
    }

    @Benchmark
    public long term() {
        return log.term(nextIndex());
    }

    private long nextIndex() {
        return 1 + random.nextLong(logEntries);
    }
}
