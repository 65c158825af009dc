package org.understudy.raft.storage.mapdb;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/** The {@code "mapdb"} engine: the log in {@code <dataDir>/log}, snapshots in {@code <dataDir>/snapshots}. */
public final class MapDbStorageEngine implements StorageEngine {

    public static final String NAME = "mapdb";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        return new MapDbLogStorage(options.dataDir().resolve("log"));
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        throw new UnsupportedOperationException("the MapDB snapshot store is not built yet");
    }
}
