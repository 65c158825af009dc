package org.understudy.raft.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and for whom a {@link StorageEngine} opens its files.
 *
 * @param dataDir the node's data directory; an engine keeps its log and snapshots in folders of
 *     its own below it
 * @param clusterId the cluster this node belongs to; a directory written for another cluster is
 *     refused
 * @param nodeId this node's Raft id; a directory written by another node is refused
 * @param entryCacheBytes the most bytes of recent entries an engine may keep on the heap to serve
 *     replication reads without touching its files (0 disables the cache)
 */
public record StorageOptions(Path dataDir, String clusterId, long nodeId, long entryCacheBytes) {

    /** The default entry cache: enough for a few seconds of replication at ~10 MB/s. */
    public static final long DEFAULT_ENTRY_CACHE_BYTES = 32L << 20;

    public StorageOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isBlank() || clusterId.length() > 200 || !clusterId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("clusterId must be 1..200 printable ASCII characters without spaces: '" + clusterId + "'");
        }
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be positive: " + nodeId);
        }
        if (entryCacheBytes < 0) {
            throw new IllegalArgumentException("entryCacheBytes must not be negative: " + entryCacheBytes);
        }
    }

    /** Options with the default entry cache. */
    public static StorageOptions of(Path dataDir, String clusterId, long nodeId) {
        return new StorageOptions(dataDir, clusterId, nodeId, DEFAULT_ENTRY_CACHE_BYTES);
    }

    /** The same options for another directory (an engine's sub-folder, say). */
    public StorageOptions withDataDir(Path dir) {
        return new StorageOptions(dir, clusterId, nodeId, entryCacheBytes);
    }
}
