package org.understudy.raft.storage.chronicle;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * Writes one snapshot into its own queue in a partial directory: the data is cut into chunks of
 * {@link ChronicleSnapshotStore#CHUNK_SIZE} bytes as it arrives (only one chunk is ever held in
 * memory), each written as a checksummed record; {@link #commit()} adds the commit record, makes
 * it all durable and hands the directory to the store. For one thread at a time.
 */
final class ChronicleSnapshotWriter implements SnapshotStore.Writer {

    private enum State { WRITING, COMMITTED, ABORTED }

    private final ChronicleSnapshotStore store;
    private final Path partial;
    private final SnapshotMetadata metadata;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final byte[] chunk = new byte[ChronicleSnapshotStore.CHUNK_SIZE];
    private final byte[] record = new byte[SnapshotRecord.chunkRecordLength(ChronicleSnapshotStore.CHUNK_SIZE)];
    private final CRC32C recordCrc = new CRC32C();
    private final CRC32C dataCrc = new CRC32C();
    private int filled;
    private long chunks;
    private long size;
    private State state = State.WRITING;

    ChronicleSnapshotWriter(ChronicleSnapshotStore store, Path partial, SnapshotMetadata metadata) {
        this.store = store;
        this.partial = partial;
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        try {
            Files.createDirectories(partial);
        } catch (IOException e) {
            throw new StorageException(LogQueue.kindOf(e), "cannot create " + partial + ": " + e.getMessage(), e);
        }
        this.queue = SnapshotQueue.open(partial, false);
        try {
            this.appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
            append(SnapshotRecord.header(ChronicleSnapshotStore.FORMAT_VERSION, ChronicleSnapshotStore.CHUNK_SIZE, metadata));
        } catch (RuntimeException e) {
            queue.close();
            ChronicleSnapshotStore.deleteTree(partial);
            throw e;
        }
    }

    @Override
    public SnapshotMetadata metadata() {
        return metadata;
    }

    @Override
    public synchronized void write(ByteString data) {
        checkWriting();
        ByteBuffer source = data.asReadOnlyByteBuffer();
        while (source.hasRemaining()) {
            int n = Math.min(source.remaining(), chunk.length - filled);
            source.get(chunk, filled, n);
            accepted(n);
        }
    }

    private synchronized void write(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        checkWriting();
        int pos = off;
        int end = off + len;
        while (pos < end) {
            int n = Math.min(end - pos, chunk.length - filled);
            System.arraycopy(data, pos, chunk, filled, n);
            accepted(n);
            pos += n;
        }
    }

    private void accepted(int n) {
        dataCrc.update(chunk, filled, n);
        filled += n;
        size += n;
        if (filled == chunk.length) {
            flushChunk();
        }
    }

    private void flushChunk() {
        int length = SnapshotRecord.chunk(chunks, chunk, filled, record, recordCrc);
        try (DocumentContext dc = appender.writingDocument()) {
            write(dc, record, length);
        } catch (RuntimeException | InternalError e) {
            throw new StorageException(Kind.IO, "cannot write chunk " + chunks + " of the snapshot in " + partial + ": " + e, e);
        }
        chunks++;
        filled = 0;
    }

    private void append(byte[] bytes) {
        try (DocumentContext dc = appender.writingDocument()) {
            write(dc, bytes, bytes.length);
        }
    }

    private static void write(DocumentContext dc, byte[] bytes, int length) {
        try {
            dc.wire().bytes().write(bytes, 0, length);
        } catch (RuntimeException | Error e) {
            dc.rollbackOnClose(); // never leave half a record behind
            throw e;
        }
    }

    @Override
    public OutputStream asOutputStream() {
        return new OutputStream() {
            private final byte[] one = new byte[1];

            @Override
            public void write(int b) {
                one[0] = (byte) b;
                ChronicleSnapshotWriter.this.write(one, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                ChronicleSnapshotWriter.this.write(b, off, len);
            }

            /** Neither commits nor prevents a later commit. */
            @Override
            public void close() {}
        };
    }

    @Override
    public synchronized void commit() {
        checkWriting();
        try {
            if (filled > 0) {
                flushChunk();
            }
            append(SnapshotRecord.commit(metadata, size, chunks, (int) dataCrc.getValue()));
            appender.close();
            queue.close();
            SnapshotQueue.forceAll(partial);
        } catch (RuntimeException e) {
            abort();
            throw e instanceof StorageException se ? se
                    : new StorageException(Kind.IO, "cannot commit the snapshot in " + partial + ": " + e, e);
        }
        state = State.COMMITTED;
        store.publish(this, partial, metadata, size);
    }

    @Override
    public synchronized void abort() {
        if (state != State.WRITING) {
            return;
        }
        state = State.ABORTED;
        try {
            appender.close();
            queue.close();
        } finally {
            ChronicleSnapshotStore.deleteTree(partial);
            store.forget(this);
        }
    }

    private void checkWriting() {
        if (state != State.WRITING) {
            throw new IllegalStateException("the snapshot writer of " + metadata.getIndex() + " is " + state.name().toLowerCase());
        }
    }
}
