package org.understudy.raft.memory;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/**
 * The {@code "memory"} engine: nothing survives the process. For tests, demos and the simulator;
 * the data directory in the options is ignored.
 */
public final class MemoryStorageEngine implements StorageEngine {

    public static final String NAME = "memory";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        return new MemoryLogStorage();
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        return new MemorySnapshotStore();
    }
}
