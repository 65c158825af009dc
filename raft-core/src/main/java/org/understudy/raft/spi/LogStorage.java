package org.understudy.raft.spi;

import java.util.List;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * The durable Raft log of one node plus its {@link HardState}.
 *
 * <h2>Shape</h2>
 * The log holds the entries {@code firstIndex() .. lastIndex()} (both inclusive, empty when
 * {@code lastIndex() == firstIndex() - 1}). Everything before {@code firstIndex()} has been
 * compacted into a snapshot; {@link #compactedTo()} describes the last compacted entry (index,
 * term and the configuration there) so that {@code term(firstIndex() - 1)} is always answerable.
 * A new, empty log has {@code compactedTo().getIndex() == 0}, {@code firstIndex() == 1} and
 * {@code lastIndex() == 0}.
 *
 * <h2>Durability</h2>
 * Writes ({@link #append}, {@link #truncateSuffix}, {@link #compactPrefix}, {@link #setHardState})
 * may be buffered; they are durable only once {@link #sync()} has returned. One sync covers every
 * write made before it (group commit). Nothing is acknowledged by Raft before the sync that covers
 * it: a follower answers an append only afterwards, and a leader counts itself only afterwards.
 *
 * <h2>Threading</h2>
 * Exactly one thread writes (the persistence thread of a {@code RaftNode}). Reads may come from
 * other threads at the same time (the Raft event loop reads terms and entries to replicate them)
 * and must see either the state before or after each write, never a torn one. A read of an index
 * that was compacted concurrently throws {@link LogCompactedException}; the caller then falls back
 * to sending a snapshot.
 *
 * <h2>Failures</h2>
 * An I/O failure throws {@link StorageException}. After a failed {@link #sync()} the state of
 * unsynced writes is unknown and the node must stop acknowledging anything: a {@code RaftNode}
 * stops itself and fails loudly.
 */
public interface LogStorage extends AutoCloseable {

    /** The last hard state written (durable once synced); the default instance for a new log. */
    HardState hardState();

    /** Replaces the hard state. */
    void setHardState(HardState hardState);

    /**
     * The entry just before {@link #firstIndex()}: its index, its term, and the configuration in
     * force there. Index 0 and an empty configuration for a log that was never compacted.
     */
    SnapshotMetadata compactedTo();

    /** {@code compactedTo().getIndex() + 1}. */
    long firstIndex();

    /** The index of the last entry, or {@code firstIndex() - 1} when the log is empty. */
    long lastIndex();

    /**
     * The term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}.
     *
     * @throws LogCompactedException if {@code index < firstIndex() - 1}
     * @throws IndexOutOfBoundsException if {@code index > lastIndex()}
     */
    long term(long index);

    /**
     * The entries {@code [lo, hi)} in order, stopping early once their serialized size would exceed
     * {@code maxBytes}, but always at least one entry when {@code lo < hi}.
     *
     * @throws LogCompactedException if {@code lo < firstIndex()} (this wins when both apply)
     * @throws IndexOutOfBoundsException if {@code hi > lastIndex() + 1} or {@code lo > hi}
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * Appends contiguous entries. The first may start anywhere in {@code firstIndex() ..
     * lastIndex() + 1}; every entry at or after it is replaced, even where terms agree (Raft's
     * overwrite on conflict). Entries at or below {@code compactedTo()} are ignored (the snapshot
     * covers them), so a batch wholly below {@code firstIndex()} does nothing. A rejected append
     * changes nothing.
     *
     * @throws IllegalArgumentException if the entries are not contiguous or would leave a gap
     */
    void append(List<Entry> entries);

    /**
     * Removes every entry with index {@code >= fromIndex}; does nothing when {@code fromIndex >
     * lastIndex()}.
     *
     * @throws IllegalArgumentException if {@code fromIndex < firstIndex()} (compacted entries cannot be removed)
     */
    void truncateSuffix(long fromIndex);

    /**
     * Drops every entry with index {@code <= snapshot.getIndex()} and remembers {@code snapshot} as
     * {@link #compactedTo()}. If the log does not hold that index with that term (a follower that
     * installs a snapshot from the leader), every entry is dropped and the log restarts empty after
     * the snapshot. Compacting to an index at or below {@code compactedTo()} does nothing.
     */
    void compactPrefix(SnapshotMetadata snapshot);

    /** Makes every write made so far durable; returns only once it is on disk. */
    void sync();

    /** Releases files and memory. Unsynced writes may be lost. Calling it twice is harmless. */
    @Override
    void close();
}
