package org.understudy.bench.replication;

import java.nio.file.Path;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/**
 * One node's log and snapshot store, opened by the engine in {@code dir} with the engine's default
 * settings (the default 32 MiB entry cache). The node writes them; the cluster closes them after
 * the node has closed (a {@code RaftNode} leaves its storage to its owner).
 */
record NodeStorage(LogStorage log, SnapshotStore snapshots) implements AutoCloseable {

    static NodeStorage open(StorageEngine engine, Path dir, String clusterId, long nodeId) {
        StorageOptions options = StorageOptions.of(dir, clusterId, nodeId);
        LogStorage log = engine.openLog(options);
        try {
            return new NodeStorage(log, engine.openSnapshots(options));
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            log.close();
        } finally {
            snapshots.close();
        }
    }
}
