package org.understudy.raft.spi.kit;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/**
 * Test code only: a broken engine whose {@code sync()} writes nothing (only {@code close()} does),
 * so everything since it was opened is lost to a kill -9. The crash kit must fail against it.
 */
public final class ForgetfulJournalFileStorageEngine implements StorageEngine {

    @Override
    public String name() {
        return "forgetful-journal-file";
    }

    @Override
    public LogStorage openLog(StorageOptions options) {
        return new JournalFileLogStorage(options.dataDir().resolve("log"), true);
    }

    @Override
    public SnapshotStore openSnapshots(StorageOptions options) {
        throw new UnsupportedOperationException("the journal-file test engine stores no snapshots");
    }
}
