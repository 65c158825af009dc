package org.understudy.raft.memory;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;

/**
 * Buffers one snapshot on the heap until {@link #commit()} hands it to its
 * {@link MemorySnapshotStore}. Writes after commit or abort throw {@link IllegalStateException}
 * ({@link java.io.IOException} through the stream view).
 */
final class MemorySnapshotWriter implements SnapshotStore.Writer {

    private enum State { OPEN, COMMITTED, ABORTED }

    private final SnapshotMetadata metadata;
    private final MemorySnapshotStore.Publisher publisher;
    private ByteString.Output buffer = ByteString.newOutput();
    private State state = State.OPEN;

    MemorySnapshotWriter(SnapshotMetadata metadata, MemorySnapshotStore.Publisher publisher) {
        this.metadata = metadata;
        this.publisher = publisher;
    }

    @Override
    public SnapshotMetadata metadata() {
        return metadata;
    }

    @Override
    public synchronized void write(ByteString chunk) {
        Objects.requireNonNull(chunk, "chunk");
        checkOpen();
        try {
            chunk.writeTo(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // ByteString.Output never throws
        }
    }

    @Override
    public OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                synchronized (MemorySnapshotWriter.this) {
                    checkOpenForStream();
                    buffer.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, bytes.length);
                synchronized (MemorySnapshotWriter.this) {
                    checkOpenForStream();
                    buffer.write(bytes, off, len);
                }
            }

            /** Does not commit: the caller decides between commit and abort afterwards. */
            @Override
            public void close() {}
        };
    }

    @Override
    public synchronized void commit() {
        checkOpen();
        publisher.publish(metadata, buffer.toByteString());
        state = State.COMMITTED;
        buffer = null;
    }

    @Override
    public synchronized void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            buffer = null;
        }
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("snapshot writer for index " + metadata.getIndex() + " is " + state);
        }
    }

    private void checkOpenForStream() throws IOException {
        if (state != State.OPEN) {
            throw new IOException("snapshot writer for index " + metadata.getIndex() + " is " + state);
        }
    }
}
