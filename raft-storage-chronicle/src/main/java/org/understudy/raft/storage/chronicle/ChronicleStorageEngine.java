package org.understudy.raft.storage.chronicle;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/** The {@code "chronicle"} engine: the log in {@code <dataDir>/log}, snapshots in {@code <dataDir>/snapshots}. */
public final class ChronicleStorageEngine implements StorageEngine {

    public static final String NAME = "chronicle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        throw new UnsupportedOperationException("the Chronicle log is not built yet");
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        throw new UnsupportedOperationException("the Chronicle snapshot store is not built yet");
    }
}
