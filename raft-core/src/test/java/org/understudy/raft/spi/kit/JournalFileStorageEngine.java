package org.understudy.raft.spi.kit;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/** Test code only: the engine of {@link JournalFileLogStorage}, so the crash kit can test itself in raft-core. */
public final class JournalFileStorageEngine implements StorageEngine {

    @Override
    public String name() {
        return "journal-file";
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        return new JournalFileLogStorage(options.dataDir().resolve("log"), false);
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        throw new UnsupportedOperationException("the journal-file test engine stores no snapshots");
    }
}
