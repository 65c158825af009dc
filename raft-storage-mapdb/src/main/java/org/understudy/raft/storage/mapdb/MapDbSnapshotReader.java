package org.understudy.raft.storage.mapdb;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;

/** Reads one committed snapshot through its shared {@link SnapshotFile}; random access by offset. */
final class MapDbSnapshotReader implements SnapshotStore.Reader {

    /** How much the stream view reads at a time. */
    private static final int STREAM_READ_BYTES = SnapshotFiles.CHUNK_BYTES;

    private final SnapshotFile file;
    private final AtomicBoolean closed = new AtomicBoolean();

    MapDbSnapshotReader(SnapshotFile file) {
        this.file = file;
    }

    @Override
    public SnapshotMetadata metadata() {
        return file.metadata();
    }

    @Override
    public long size() {
        return file.size();
    }

    @Override
    public ByteString read(long offset, int maxBytes) {
        if (closed.get()) {
            throw new IllegalStateException("the reader of " + file.path() + " is closed");
        }
        return file.read(offset, maxBytes);
    }

    @Override
    public InputStream asInputStream() {
        return new InputStream() {
            private long position;
            private ByteString current = ByteString.EMPTY;
            private int inCurrent;

            private boolean fill() {
                if (inCurrent < current.size()) {
                    return true;
                }
                current = MapDbSnapshotReader.this.read(position, STREAM_READ_BYTES);
                inCurrent = 0;
                position += current.size();
                return !current.isEmpty();
            }

            @Override
            public int read() {
                return fill() ? current.byteAt(inCurrent++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int n = Math.min(len, current.size() - inCurrent);
                current.substring(inCurrent, inCurrent + n).copyTo(b, off);
                inCurrent += n;
                return n;
            }

            @Override
            public int available() {
                return current.size() - inCurrent;
            }
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            file.release();
        }
    }
}
