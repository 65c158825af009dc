package org.understudy.bench.storage;

import java.util.List;
import org.understudy.raft.proto.Entry;

/**
 * The few log operations the storage benchmarks time. Both the raw-file baseline
 * ({@link RawFileLog}) and every real engine ({@link EngineLog}) are driven through it, so the
 * baseline and the engines run exactly the same benchmark code and their scores are comparable.
 *
 * <p>The semantics are those of {@link org.understudy.raft.spi.LogStorage} for the operations
 * listed; the baseline supports only appends at {@code lastIndex() + 1}, which is all the
 * benchmarks do.
 */
interface BenchLog extends AutoCloseable {

    /** Appends contiguous entries, starting at {@code lastIndex() + 1}. */
    void append(List<Entry> entries);

    /** Returns once every append so far is on disk. */
    void sync();

    /** The index of the last entry; 0 for an empty log. */
    long lastIndex();

    /** The term of the entry at {@code index}. */
    long term(long index);

    /** The entries {@code [lo, hi)}, stopping once {@code maxBytes} is exceeded but always at least one. */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /** Releases files; unsynced appends may be lost. Harmless when called twice. */
    @Override
    void close();
}
