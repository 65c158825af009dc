package org.understudy.bench.storage;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.understudy.raft.memory.MemoryStorageEngine;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.storage.chronicle.ChronicleStorageEngine;
import org.understudy.raft.storage.mapdb.MapDbStorageEngine;

/**
 * Opens a benchmark log by the name used in the benchmarks' {@code engine} parameter:
 * {@value #RAW} for the {@link RawFileLog} baseline, otherwise the {@link StorageEngine} of that
 * name. Engines are reached only through the {@link StorageEngine} interface and their public
 * no-arg constructors, so this module keeps compiling while their internals change.
 */
final class BenchLogs {

    /** The engine parameter value of the raw-file baseline. */
    static final String RAW = "raw";

    /** Cluster id and node id the benchmark logs are opened for. */
    static final String CLUSTER_ID = "bench";
    static final long NODE_ID = 1;

    private static final Map<String, Supplier<StorageEngine>> ENGINES = Map.of(
            MemoryStorageEngine.NAME, MemoryStorageEngine::new,
            MapDbStorageEngine.NAME, MapDbStorageEngine::new,
            ChronicleStorageEngine.NAME, ChronicleStorageEngine::new);

    private BenchLogs() {}

    /** Opens (or creates) the log named {@code engine} in {@code dir}. */
    static BenchLog open(String engine, Path dir) {
        if (RAW.equals(engine)) {
            return RawFileLog.open(dir.resolve("raw.log"));
        }
        Supplier<StorageEngine> factory = ENGINES.get(engine);
        if (factory == null) {
            TreeSet<String> known = new TreeSet<>(ENGINES.keySet());
            known.add(RAW);
            throw new IllegalArgumentException("unknown engine '" + engine + "'; known: " + known);
        }
        StorageEngine storageEngine = factory.get();
        return new EngineLog(storageEngine.openLog(StorageOptions.of(dir, CLUSTER_ID, NODE_ID)));
    }

    /** Like {@link #open}, but deletes {@code dir} when opening fails, so a failed setup leaves no files. */
    static BenchLog openOrDelete(String engine, Path dir) {
        try {
            return open(engine, dir);
        } catch (RuntimeException e) {
            BenchDirectory.delete(dir);
            throw e;
        }
    }
}
