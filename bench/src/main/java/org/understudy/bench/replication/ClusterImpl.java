package org.understudy.bench.replication;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.understudy.raft.memory.MemoryStorageEngine;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.storage.chronicle.ChronicleStorageEngine;
import org.understudy.raft.storage.mapdb.MapDbStorageEngine;

/**
 * What a benchmark cluster is built from, by the name used in the {@code impl} parameter: how the
 * nodes talk to each other and where they keep their logs. Engines are reached through the
 * {@link StorageEngine} SPI and their public no-arg constructors only, with their default settings
 * (so every append is synced before a node acknowledges it, as in production).
 */
enum ClusterImpl {
    /** {@code MemoryNetwork} + {@link MemoryStorageEngine}: no I/O at all, the CPU reference. */
    MEMORY("memory", false, MemoryStorageEngine::new),
    /** {@code NettyTransport} on 127.0.0.1 + Chronicle Queue logs on disk. */
    NETTY_CHRONICLE("netty-chronicle", true, ChronicleStorageEngine::new),
    /** {@code NettyTransport} on 127.0.0.1 + MapDB logs on disk. */
    NETTY_MAPDB("netty-mapdb", true, MapDbStorageEngine::new);

    static final String MEMORY_NAME = "memory";
    static final String NETTY_CHRONICLE_NAME = "netty-chronicle";
    static final String NETTY_MAPDB_NAME = "netty-mapdb";

    private final String paramName;
    private final boolean netty;
    private final Supplier<StorageEngine> engine;

    ClusterImpl(String paramName, boolean netty, Supplier<StorageEngine> engine) {
        this.paramName = paramName;
        this.netty = netty;
        this.engine = engine;
    }

    /** The implementation called {@code name} in the {@code impl} parameter. */
    static ClusterImpl named(String name) {
        for (ClusterImpl impl : values()) {
            if (impl.paramName.equals(name)) {
                return impl;
            }
        }
        List<String> known = Arrays.stream(values()).map(ClusterImpl::paramName).toList();
        throw new IllegalArgumentException("unknown impl '" + name + "'; known: " + known);
    }

    String paramName() {
        return paramName;
    }

    /** A fresh storage engine of this implementation's kind. */
    StorageEngine storageEngine() {
        return engine.get();
    }

    /** The network that connects {@code ids}: their transports exist (and, for Netty, listen) once this returns. */
    PeerNetwork network(List<Long> ids) {
        return netty ? new NettyPeers(BenchCluster.CLUSTER_ID, ids) : new MemoryPeers(ids);
    }
}
