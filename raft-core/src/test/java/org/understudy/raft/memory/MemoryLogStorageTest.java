package org.understudy.raft.memory;

import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.kit.LogStorageConformanceKit;

/** {@link MemoryLogStorage} against the {@link LogStorage} contract; "reopen" is a crash copy. */
class MemoryLogStorageTest extends LogStorageConformanceKit {

    @Override
    protected LogStorage newStorage() {
        return new MemoryLogStorage();
    }

    /** What survives is what was synced: exactly what a crash copy holds. */
    @Override
    protected LogStorage reopen(LogStorage closed) {
        return ((MemoryLogStorage) closed).crashCopy();
    }
}
