package org.understudy.bench.storage;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.understudy.raft.proto.Entry;

/**
 * Makes benchmark entries: every entry carries the same payload of {@code entryBytes} random
 * bytes, made once, so creating payloads is not what a benchmark measures. Random rather than
 * zero bytes so that an engine that compresses gains nothing the disk would not give it either.
 *
 * <p>Only the small {@link Entry} wrapper (index, term, a reference to the shared payload) is
 * built per entry, in tens of nanoseconds: the same cost for the baseline and every engine, and
 * far below what a sync costs.
 */
final class EntryMaker {

    /** Every benchmark entry has this term. */
    static final long TERM = 1;

    /** Seed of the payload bytes; fixed so that every run writes the same bytes. */
    static final long PAYLOAD_SEED = 0x5eed_0001L;

    private final ByteString payload;

    EntryMaker(int entryBytes) {
        if (entryBytes < 0) {
            throw new IllegalArgumentException("entryBytes must not be negative: " + entryBytes);
        }
        byte[] bytes = new byte[entryBytes];
        SplittableRandom random = new SplittableRandom(PAYLOAD_SEED);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        this.payload = ByteString.copyFrom(bytes);
    }

    /** The payload every entry carries. */
    ByteString payload() {
        return payload;
    }

    /** The entry at {@code index}. */
    Entry entry(long index) {
        return Entry.newBuilder().setIndex(index).setTerm(TERM).setData(payload).build();
    }

    /** {@code count} contiguous entries starting at {@code firstIndex}, in a new list. */
    List<Entry> batch(long firstIndex, int count) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(entry(firstIndex + i));
        }
        return entries;
    }

    /** Appends {@code count} more entries after the log's last one, in batches of {@code batchSize}, syncing each. */
    void fill(BenchLog log, long count, int batchSize) {
        long next = log.lastIndex() + 1;
        long end = next + count;
        while (next < end) {
            int n = (int) Math.min(batchSize, end - next);
            log.append(batch(next, n));
            log.sync();
            next += n;
        }
    }
}
