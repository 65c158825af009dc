package org.understudy.raft.spi;

/**
 * A named way to store a node's log and snapshots: {@code "memory"}, {@code "mapdb"},
 * {@code "chronicle"}. Applications choose one by name (a Dagger map multibinding keyed by
 * {@link #name()}, or a plain constructor). Each call opens fresh instances; the caller closes
 * them.
 *
 * <p>An engine that keeps files checks {@link StorageOptions#clusterId()} and
 * {@link StorageOptions#nodeId()} against what its directory was created for (see
 * {@code org.understudy.raft.storage.DataDirectory}) and refuses a foreign one with a
 * {@link StorageException.Kind#FOREIGN_DATA} error.
 */
public interface StorageEngine {

    /** The name this engine is chosen by. */
    String name();

    /** Opens (or creates) the node's log. */
    LogStorage openLog(StorageOptions options);

    /** Opens (or creates) the node's snapshot store. */
    SnapshotStore openSnapshots(StorageOptions options);
}
