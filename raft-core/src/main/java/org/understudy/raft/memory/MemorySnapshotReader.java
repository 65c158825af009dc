package org.understudy.raft.memory;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;

/**
 * Reads one committed in-memory snapshot. It holds its own reference to the immutable bytes, so
 * deleting the snapshot from the store does not affect it. Safe for concurrent use.
 */
final class MemorySnapshotReader implements SnapshotStore.Reader {

    private final SnapshotMetadata metadata;
    private final ByteString data;

    MemorySnapshotReader(SnapshotMetadata metadata, ByteString data) {
        this.metadata = metadata;
        this.data = data;
    }

    @Override
    public SnapshotMetadata metadata() {
        return metadata;
    }

    @Override
    public long size() {
        return data.size();
    }

    @Override
    public ByteString read(long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("offset " + offset + " and maxBytes " + maxBytes + " must not be negative");
        }
        if (offset >= data.size()) {
            return ByteString.EMPTY;
        }
        int from = (int) offset;
        return data.substring(from, (int) Math.min(data.size(), (long) from + maxBytes));
    }

    @Override
    public InputStream asInputStream() {
        return data.newInput();
    }

    /** Nothing to release: the bytes are garbage-collected with the last reference. */
    @Override
    public void close() {}
}
