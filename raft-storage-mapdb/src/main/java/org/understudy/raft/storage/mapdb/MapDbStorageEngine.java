package org.understudy.raft.storage.mapdb;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/**
 * The {@code "mapdb"} engine: the log in {@code <dataDir>/log}, snapshots in
 * {@code <dataDir>/snapshots}, each its own claimed {@link org.understudy.raft.storage.DataDirectory}.
 */
public final class MapDbStorageEngine implements StorageEngine {

    public static final String NAME = "mapdb";
    static final String LOG_DIR = "log";
    static final String SNAPSHOT_DIR = "snapshots";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        return new MapDbLogStorage(options.withDataDir(options.dataDir().resolve(LOG_DIR)));
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        return new MapDbSnapshotStore(options.withDataDir(options.dataDir().resolve(SNAPSHOT_DIR)));
    }
}
