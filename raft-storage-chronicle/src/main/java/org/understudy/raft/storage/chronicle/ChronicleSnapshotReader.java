package org.understudy.raft.storage.chronicle;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.InputStream;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * Reads one committed snapshot through its own read-only queue. A read at an offset goes to the
 * chunk that holds it (one index lookup), checks that chunk's checksum and keeps it, so a series
 * of small sequential reads decodes each chunk once; at most one chunk is held. Its methods are
 * synchronized, so its stream and direct reads may be mixed.
 */
final class ChronicleSnapshotReader implements SnapshotStore.Reader {

    private static final int CHUNK = ChronicleSnapshotStore.CHUNK_SIZE;

    private final ChronicleSnapshotStore store;
    private final ChronicleSnapshotStore.Stored stored;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final CRC32C crc = new CRC32C();
    private long cachedChunk = -1;
    private byte[] cachedRecord;
    private boolean closed;

    ChronicleSnapshotReader(ChronicleSnapshotStore store, ChronicleSnapshotStore.Stored stored) {
        this.store = store;
        this.stored = stored;
        this.queue = SnapshotQueue.open(stored.dir, true);
        this.tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
    }

    @Override
    public SnapshotMetadata metadata() {
        return stored.metadata;
    }

    @Override
    public long size() {
        return stored.size;
    }

    @Override
    public synchronized ByteString read(long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("offset " + offset + " and maxBytes " + maxBytes + " must not be negative");
        }
        if (closed) {
            throw new IllegalStateException("the reader of snapshot " + stored.metadata.getIndex() + " is closed");
        }
        long end = Math.min(stored.size, offset + maxBytes);
        if (offset >= end) {
            return ByteString.EMPTY;
        }
        byte[] out = new byte[(int) (end - offset)];
        long pos = offset;
        while (pos < end) {
            long k = pos / CHUNK;
            byte[] record = chunkRecord(k);
            int within = (int) (pos - k * CHUNK);
            int n = (int) Math.min(end - pos, CHUNK - within);
            System.arraycopy(record, SnapshotRecord.CHUNK_DATA_OFFSET + within, out, (int) (pos - offset), n);
            pos += n;
        }
        return UnsafeByteOperations.unsafeWrap(out); // out is ours and never changes
    }

    /** The checked record of chunk {@code k}. */
    private byte[] chunkRecord(long k) {
        if (k == cachedChunk) {
            return cachedRecord;
        }
        byte[] record = SnapshotQueue.read(tailer, k + 1);
        int expectedLength = (int) Math.min(CHUNK, stored.size - k * CHUNK);
        String problem = record == null ? "it is missing" : SnapshotRecord.chunkProblem(record, k, expectedLength, crc);
        if (problem != null) {
            throw new StorageException(Kind.CORRUPT, "chunk " + k + " of the snapshot in " + stored.dir + " is damaged: " + problem);
        }
        cachedChunk = k;
        cachedRecord = record;
        return record;
    }

    @Override
    public InputStream asInputStream() {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                ByteString one = ChronicleSnapshotReader.this.read(position, 1);
                if (one.isEmpty()) {
                    return -1;
                }
                position++;
                return one.byteAt(0) & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                ByteString part = ChronicleSnapshotReader.this.read(position, Math.min(len, CHUNK));
                if (part.isEmpty()) {
                    return -1;
                }
                part.copyTo(b, off);
                position += part.size();
                return part.size();
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, stored.size - position);
            }
        };
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            cachedRecord = null;
            tailer.close();
            queue.close();
        }
        store.readerClosed(stored);
    }
}
