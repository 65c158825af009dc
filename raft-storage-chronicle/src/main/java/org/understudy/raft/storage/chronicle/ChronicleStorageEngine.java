package org.understudy.raft.storage.chronicle;

import java.util.Objects;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/** The {@code "chronicle"} engine: the log in {@code <dataDir>/log}, snapshots in {@code <dataDir>/snapshots}. */
public final class ChronicleStorageEngine implements StorageEngine {

    public static final String NAME = "chronicle";
    static final String LOG_DIR = "log";
    static final String SNAPSHOTS_DIR = "snapshots";

    private final ChronicleLogSettings logSettings;

    /** The engine with the default log settings. */
    public ChronicleStorageEngine() {
        this(ChronicleLogSettings.defaults());
    }

    public ChronicleStorageEngine(ChronicleLogSettings logSettings) {
        this.logSettings = Objects.requireNonNull(logSettings, "logSettings");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        return new ChronicleLogStorage(options.withDataDir(options.dataDir().resolve(LOG_DIR)), logSettings);
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        return new ChronicleSnapshotStore(options.withDataDir(options.dataDir().resolve(SNAPSHOTS_DIR)));
    }
}
