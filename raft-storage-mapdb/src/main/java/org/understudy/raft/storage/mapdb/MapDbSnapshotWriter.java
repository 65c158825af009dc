package org.understudy.raft.storage.mapdb;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;

/**
 * Writes one snapshot into its own {@code .partial} MapDB file, in checksummed chunks of
 * {@value SnapshotFiles#CHUNK_BYTES} bytes; only one chunk is ever held in memory. On commit the
 * file is completed, forced and handed to the store, which renames it into place.
 */
final class MapDbSnapshotWriter implements SnapshotStore.Writer {

    private enum State { OPEN, COMMITTED, ABORTED }

    private final MapDbSnapshotStore store;
    private final SnapshotMetadata metadata;
    private final Path partial;
    private final DB db;
    private final BTreeMap<Long, byte[]> chunks;
    private final byte[] buffer = new byte[SnapshotFiles.CHUNK_BYTES];
    private int buffered;
    private long written;
    private State state = State.OPEN;

    MapDbSnapshotWriter(MapDbSnapshotStore store, SnapshotMetadata metadata, Path partial) {
        this.store = store;
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.partial = partial;
        DB opened = null;
        try {
            opened = SnapshotFiles.create(partial);
            this.chunks = SnapshotFiles.chunks(opened, true);
            this.db = opened;
        } catch (RuntimeException | InternalError e) {
            if (opened != null) {
                opened.close();
            }
            deletePartial();
            throw StorageErrors.translate("create the snapshot file", partial, e, false);
        }
    }

    @Override
    public SnapshotMetadata metadata() {
        return metadata;
    }

    @Override
    public synchronized void write(ByteString chunk) {
        checkOpen();
        int pos = 0;
        int len = chunk.size();
        while (pos < len) {
            int n = Math.min(buffer.length - buffered, len - pos);
            chunk.substring(pos, pos + n).copyTo(buffer, buffered);
            buffered += n;
            pos += n;
            if (buffered == buffer.length) {
                flushChunk();
            }
        }
    }

    private synchronized void write(byte[] data, int off, int len) {
        checkOpen();
        int pos = off;
        int end = off + len;
        while (pos < end) {
            int n = Math.min(buffer.length - buffered, end - pos);
            System.arraycopy(data, pos, buffer, buffered, n);
            buffered += n;
            pos += n;
            if (buffered == buffer.length) {
                flushChunk();
            }
        }
    }

    private void flushChunk() {
        if (buffered == 0) {
            return;
        }
        byte[] data = buffered == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, buffered);
        try {
            chunks.put(written, Crc.seal(written, data));
        } catch (RuntimeException | InternalError e) {
            abort();
            throw StorageErrors.translate("write the snapshot", partial, e, false);
        }
        written += buffered;
        buffered = 0;
    }

    @Override
    public OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                MapDbSnapshotWriter.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                Objects.checkFromIndexSize(off, len, b.length);
                MapDbSnapshotWriter.this.write(b, off, len);
            }
        };
    }

    @Override
    public synchronized void commit() {
        checkOpen();
        try {
            flushChunk();
            BTreeMap<String, byte[]> meta = SnapshotFiles.meta(db, true);
            meta.put(SnapshotFiles.KEY_FORMAT, SnapshotFiles.intRecord(SnapshotFiles.FORMAT_VERSION));
            meta.put(SnapshotFiles.KEY_METADATA, Crc.seal(0, metadata.toByteArray()));
            meta.put(SnapshotFiles.KEY_SIZE, SnapshotFiles.longRecord(written));
            meta.put(SnapshotFiles.KEY_CHUNK_BYTES, SnapshotFiles.intRecord(SnapshotFiles.CHUNK_BYTES));
            db.commit();
            db.close();
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException | InternalError e) {
            abort();
            throw StorageErrors.translate("commit the snapshot", partial, e, false);
        }
        state = State.COMMITTED;
        store.publish(this, partial);
    }

    @Override
    public synchronized void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            if (!db.isClosed()) {
                db.close();
            }
        } catch (RuntimeException | InternalError ignored) {
            // the file goes anyway
        }
        deletePartial();
        store.forget(this);
    }

    private void deletePartial() {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // left for the next open to clean up
        }
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("the snapshot writer for index " + metadata.getIndex() + " is "
                    + state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
