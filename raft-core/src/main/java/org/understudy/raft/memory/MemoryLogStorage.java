package org.understudy.raft.memory;

import org.understudy.raft.storage.LogRanges;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageException;

/**
 * A {@link LogStorage} that keeps everything on the heap, for tests, the simulator and
 * single-process experiments.
 *
 * <h2>Durability is simulated</h2>
 * Besides the live log, the storage keeps a <em>durable image</em>: the hard state, the compaction
 * point and the entries as of the last successful {@link #sync()}. {@link #crashCopy()} returns a
 * fresh storage holding only that image, which is what a node would find on disk after a crash;
 * unsynced writes are lost exactly as the {@link LogStorage} contract allows.
 *
 * <p>Cost: the image shares the (immutable) entry objects with the live log, so it costs one
 * reference per entry. A sync does work proportional to the entries written or overwritten since
 * the previous sync (it remembers the lowest index touched since then and copies from there), so
 * appends stay amortized O(1). {@link #crashCopy()} is O(entries).
 *
 * <h2>Fault injection</h2>
 * {@link #failSyncs(boolean) failSyncs(true)} makes every following {@link #sync()} throw
 * {@link StorageException} without updating the durable image, as a full or broken disk would;
 * the simulator and the runtime tests use it to check that a node stops acknowledging.
 * {@link #syncCount()} counts the syncs that succeeded, for tests of group commit.
 *
 * <h2>Choices where the SPI is silent</h2>
 * <ul>
 *   <li>{@link #append} ignores entries at or below {@link #compactedTo()} (they are covered by
 *       the snapshot), like etcd-io/raft's {@code MemoryStorage.Append}; an append that lies
 *       wholly below {@link #firstIndex()} does nothing.</li>
 *   <li>{@link #truncateSuffix} below {@link #firstIndex()} throws {@link IllegalArgumentException}
 *       (compacted entries cannot be removed); above {@link #lastIndex()} it does nothing.</li>
 *   <li>After {@link #close()} writes and syncs throw {@link IllegalStateException}; reads still
 *       answer from memory and {@link #crashCopy()} still works, so a test can "reopen" a closed
 *       storage.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * One writer and any number of concurrent readers, as the SPI requires: every method holds a
 * read-write lock only for its in-memory work, and there is no I/O.
 */
public final class MemoryLogStorage implements LogStorage {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock readLock = lock.readLock();
    private final Lock writeLock = lock.writeLock();

    // The live log, as readers see it. Guarded by lock.
    private HardState hardState;
    private SnapshotMetadata compactedTo;
    private final IndexedEntries entries;

    // The durable image as of the last successful sync. Guarded by lock.
    private HardState durableHardState;
    private SnapshotMetadata durableCompactedTo;
    private final IndexedEntries durableEntries;
    /**
     * The lowest index whose live entry may differ from the durable image (written, overwritten
     * or truncated since the last sync); {@code Long.MAX_VALUE} when none does. Entries below it
     * are identical in both, except where the live log was compacted further.
     */
    private long dirtyFrom = Long.MAX_VALUE;

    private volatile boolean failSyncs;
    private volatile long syncCount;
    private volatile boolean closed;

    /** An empty log: nothing compacted, no entries, the default hard state. */
    public MemoryLogStorage() {
        this(HardState.getDefaultInstance(), SnapshotMetadata.getDefaultInstance(), new IndexedEntries(1));
    }

    /** A storage whose live state and durable image are both the given one (as after a restart). */
    private MemoryLogStorage(HardState hardState, SnapshotMetadata compactedTo, IndexedEntries entries) {
        this.hardState = hardState;
        this.compactedTo = compactedTo;
        this.entries = entries;
        this.durableHardState = hardState;
        this.durableCompactedTo = compactedTo;
        this.durableEntries = entries.copy();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public HardState hardState() {
        readLock.lock();
        try {
            return hardState;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public SnapshotMetadata compactedTo() {
        readLock.lock();
        try {
            return compactedTo;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long firstIndex() {
        readLock.lock();
        try {
            return entries.firstIndex();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long lastIndex() {
        readLock.lock();
        try {
            return entries.lastIndex();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long term(long index) {
        readLock.lock();
        try {
            long first = entries.firstIndex();
            if (index < first - 1) {
                throw new LogCompactedException(index, first);
            }
            if (index > entries.lastIndex()) {
                throw new IndexOutOfBoundsException(
                        "index " + index + " is past the last index " + entries.lastIndex());
            }
            return index == first - 1 ? compactedTo.getTerm() : entries.get(index).getTerm();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        readLock.lock();
        try {
            LogRanges.checkEntries(lo, hi, entries.firstIndex(), entries.lastIndex());
            List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
            long bytes = 0;
            for (long i = lo; i < hi; i++) {
                Entry e = entries.get(i);
                bytes += e.getSerializedSize();
                // The first entry is returned whatever its size, so a caller always makes progress.
                if (!out.isEmpty() && bytes > maxBytes) {
                    break;
                }
                out.add(e);
            }
            return Collections.unmodifiableList(out);
        } finally {
            readLock.unlock();
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void setHardState(HardState hardState) {
        Objects.requireNonNull(hardState, "hardState");
        writeLock.lock();
        try {
            checkOpen();
            this.hardState = hardState;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void append(List<Entry> batch) {
        Objects.requireNonNull(batch, "entries");
        if (batch.isEmpty()) {
            return;
        }
        checkContiguous(batch);
        long batchFirst = batch.get(0).getIndex();
        long batchLast = batch.get(batch.size() - 1).getIndex();
        writeLock.lock();
        try {
            checkOpen();
            long first = entries.firstIndex();
            if (batchLast < first) {
                return; // wholly covered by the snapshot
            }
            if (batchFirst > entries.lastIndex() + 1) {
                throw new IllegalArgumentException("append at " + batchFirst + " would leave a gap after the last index "
                        + entries.lastIndex());
            }
            long start = Math.max(batchFirst, first);
            entries.truncateFrom(start);
            for (int i = (int) (start - batchFirst); i < batch.size(); i++) {
                entries.add(batch.get(i));
            }
            dirtyFrom = Math.min(dirtyFrom, start);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void truncateSuffix(long fromIndex) {
        writeLock.lock();
        try {
            checkOpen();
            if (fromIndex < entries.firstIndex()) {
                throw new IllegalArgumentException("cannot truncate from " + fromIndex
                        + ": entries before the first index " + entries.firstIndex() + " are compacted");
            }
            if (fromIndex > entries.lastIndex()) {
                return;
            }
            entries.truncateFrom(fromIndex);
            dirtyFrom = Math.min(dirtyFrom, fromIndex);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void compactPrefix(SnapshotMetadata snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        writeLock.lock();
        try {
            checkOpen();
            long index = snapshot.getIndex();
            if (index <= compactedTo.getIndex()) {
                return;
            }
            boolean holdsIt = index <= entries.lastIndex() && entries.get(index).getTerm() == snapshot.getTerm();
            if (holdsIt) {
                entries.dropUpTo(index);
            } else {
                // A follower installing the leader's snapshot: nothing after it can be trusted.
                entries.clear(index + 1);
                dirtyFrom = Math.min(dirtyFrom, index + 1);
            }
            compactedTo = snapshot;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Makes every write so far durable by bringing the durable image up to date.
     *
     * @throws StorageException if {@link #failSyncs(boolean) failSyncs(true)} is in effect; the
     *     durable image is then left as it was
     */
    @Override
    public void sync() {
        writeLock.lock();
        try {
            checkOpen();
            if (failSyncs) {
                throw new StorageException("sync failed: fault injected by MemoryLogStorage.failSyncs(true)");
            }
            durableHardState = hardState;
            durableCompactedTo = compactedTo;
            // Leaves durableEntries.firstIndex() == compactedTo.getIndex() + 1, even past its end.
            durableEntries.dropUpTo(compactedTo.getIndex());
            if (dirtyFrom != Long.MAX_VALUE) {
                // Entries below dirtyFrom are unchanged since the last sync, so the image holds them.
                durableEntries.truncateFrom(dirtyFrom);
                for (long i = Math.max(dirtyFrom, entries.firstIndex()); i <= entries.lastIndex(); i++) {
                    durableEntries.add(entries.get(i));
                }
                dirtyFrom = Long.MAX_VALUE;
            }
            syncCount++;
        } finally {
            writeLock.unlock();
        }
    }

    /** Marks the storage closed; see the class comment for what still works afterwards. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    // ------------------------------------------------------------------ test hooks

    /**
     * What a restart after a crash would find: a new, open storage holding the hard state, the
     * compaction point and the entries as of the last successful {@link #sync()}. This storage is
     * not changed and may still be used. Works on a closed storage too.
     */
    public MemoryLogStorage crashCopy() {
        readLock.lock();
        try {
            return new MemoryLogStorage(durableHardState, durableCompactedTo, durableEntries.copy());
        } finally {
            readLock.unlock();
        }
    }

    /** While {@code fail} is true, every {@link #sync()} throws {@link StorageException}. */
    public void failSyncs(boolean fail) {
        this.failSyncs = fail;
    }

    /** The number of {@link #sync()} calls that have succeeded. */
    public long syncCount() {
        return syncCount;
    }

    // ------------------------------------------------------------------ helpers

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("MemoryLogStorage is closed");
        }
    }

    private static void checkContiguous(List<Entry> batch) {
        for (int i = 1; i < batch.size(); i++) {
            if (batch.get(i).getIndex() != batch.get(i - 1).getIndex() + 1) {
                throw new IllegalArgumentException("entries are not contiguous: index " + batch.get(i).getIndex()
                        + " follows " + batch.get(i - 1).getIndex());
            }
        }
    }
}
