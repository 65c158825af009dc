package org.understudy.raft.spi;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * Durable snapshots of the state machine, written and read as streams of chunks so that no
 * snapshot is ever held in memory whole.
 *
 * <p>A snapshot becomes visible through {@link #latest()} and {@link #openLatest()} only once its
 * writer {@link Writer#commit() commits}; a crash before that leaves the previous snapshot in
 * place. Snapshots are identified by their {@link SnapshotMetadata#getIndex() index}; committing a
 * snapshot whose index is not above the latest one is allowed and leaves the latest unchanged (a
 * follower may receive an old snapshot late).
 *
 * <h2>Threading</h2>
 * Safe for use from several threads: one writer at a time per snapshot, any number of readers.
 * Deleting a snapshot that is open for reading must not break the reader.
 */
public interface SnapshotStore extends AutoCloseable {

    /** Metadata of the newest committed snapshot, if any. */
    Optional<SnapshotMetadata> latest();

    /** Starts writing a snapshot with this metadata. */
    Writer create(SnapshotMetadata metadata);

    /** Opens the newest committed snapshot for reading, if any. */
    Optional<Reader> openLatest();

    /**
     * Deletes every committed snapshot with an index below {@code index}, except the latest: a
     * store that held a snapshot always keeps one, since a compacted log depends on it.
     */
    void deleteOlderThan(long index);

    @Override
    void close();

    /** Writes one snapshot. Either {@link #commit()} or {@link #abort()} must be called. */
    interface Writer extends AutoCloseable {
        SnapshotMetadata metadata();

        /** Appends the next chunk of data. */
        void write(ByteString chunk);

        /** A stream view for {@link StateMachine#snapshot(OutputStream)}; closing it does not commit. */
        OutputStream asOutputStream();

        /** Makes the snapshot durable and the latest (if its index is the highest). */
        void commit();

        /** Discards what was written. Idempotent; a no-op after commit. */
        void abort();

        /** Aborts unless committed. */
        @Override
        default void close() {
            abort();
        }
    }

    /** Reads one committed snapshot. */
    interface Reader extends AutoCloseable {
        SnapshotMetadata metadata();

        /** Total size of the data in bytes. */
        long size();

        /** Up to {@code maxBytes} bytes starting at {@code offset}; empty at or past the end. */
        ByteString read(long offset, int maxBytes);

        /** A stream view for {@link StateMachine#restore(InputStream)}. */
        InputStream asInputStream();

        @Override
        void close();
    }
}
