package org.understudy.bench.storage;

import java.util.List;
import java.util.Objects;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.LogStorage;

/** A real engine's {@link LogStorage}, seen through the benchmarks' {@link BenchLog} view. */
final class EngineLog implements BenchLog {

    private final LogStorage storage;

    EngineLog(LogStorage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    @Override
    public void append(List<Entry> entries) {
        storage.append(entries);
    }

    @Override
    public void sync() {
        storage.sync();
    }

    @Override
    public long lastIndex() {
        return storage.lastIndex();
    }

    @Override
    public long term(long index) {
        return storage.term(index);
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return storage.entries(lo, hi, maxBytes);
    }

    @Override
    public void close() {
        storage.close();
    }
}
