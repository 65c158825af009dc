package org.understudy.raft.memory;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;

/**
 * A {@link SnapshotStore} on the heap, for tests, the simulator and single-process experiments.
 *
 * <p>Committed snapshots are immutable {@link ByteString}s in a map ordered by index; a writer
 * buffers its chunks privately and publishes them on {@link Writer#commit()}. A reader holds its
 * own reference to the bytes, so deleting the snapshot never disturbs it. Unlike a disk store this
 * one does hold each snapshot whole in memory, which is fine for the sizes tests use.
 *
 * <p>A commit whose index is not above the latest is accepted and dropped: it is invisible through
 * the SPI anyway, and keeping it would only cost memory until the next {@link #deleteOlderThan}.
 *
 * <p>{@link #crashCopy()} returns what a restart would find (the committed snapshots only). After
 * {@link #close()} creating writers and committing throw {@link IllegalStateException}; reads and
 * {@link #crashCopy()} still work. Thread-safe; the map is guarded by {@code this}.
 */
public final class MemorySnapshotStore implements SnapshotStore {

    /** One committed snapshot. */
    record Stored(SnapshotMetadata metadata, ByteString data) {}

    private final NavigableMap<Long, Stored> committed = new TreeMap<>();
    private boolean closed;

    public MemorySnapshotStore() {}

    private MemorySnapshotStore(Map<Long, Stored> committed) {
        this.committed.putAll(committed);
    }

    @Override
    public synchronized Optional<SnapshotMetadata> latest() {
        Map.Entry<Long, Stored> last = committed.lastEntry();
        return last == null ? Optional.empty() : Optional.of(last.getValue().metadata());
    }

    @Override
    public Writer create(SnapshotMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        synchronized (this) {
            checkOpen();
        }
        return new MemorySnapshotWriter(metadata, this::publish);
    }

    @Override
    public synchronized Optional<Reader> openLatest() {
        Map.Entry<Long, Stored> last = committed.lastEntry();
        return last == null
                ? Optional.empty()
                : Optional.of(new MemorySnapshotReader(last.getValue().metadata(), last.getValue().data()));
    }

    @Override
    public synchronized void deleteOlderThan(long index) {
        if (committed.isEmpty()) {
            return;
        }
        // Never the latest: a compacted log depends on it.
        committed.headMap(Math.min(index, committed.lastKey()), false).clear();
    }

    /** Marks the store closed. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
    }

    /** A new, open store holding the committed snapshots of this one (what survives a crash). */
    public synchronized MemorySnapshotStore crashCopy() {
        return new MemorySnapshotStore(committed);
    }

    /** Called by a writer on commit. */
    private synchronized void publish(SnapshotMetadata metadata, ByteString data) {
        checkOpen();
        Map.Entry<Long, Stored> last = committed.lastEntry();
        if (last == null || metadata.getIndex() > last.getKey()) {
            committed.put(metadata.getIndex(), new Stored(metadata, data));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("MemorySnapshotStore is closed");
        }
    }

    /** Receives a writer's data when it commits. */
    @FunctionalInterface
    interface Publisher {
        void publish(SnapshotMetadata metadata, ByteString data);
    }
}
