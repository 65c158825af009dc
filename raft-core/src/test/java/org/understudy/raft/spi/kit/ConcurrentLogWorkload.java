package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.spi.kit.LogFixtures.entry;
import static org.understudy.raft.spi.kit.LogFixtures.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;

/**
 * The one-writer, many-readers workload of {@link LogStorageConformanceKit}: the writer appends,
 * sets hard states, compacts and syncs a fixed number of times; readers check that whatever they
 * see matches what the writer wrote at that index (every index has one fixed entry and term here,
 * and the hard state always has {@code commit == 7 * term}), so a torn read shows up whatever the
 * scheduling. The writer never truncates, so {@code lastIndex()} only grows.
 */
final class ConcurrentLogWorkload {

    private ConcurrentLogWorkload() {}

    private static final int BATCHES = 300;
    private static final int BATCH_SIZE = 50;

    /** Index {@code i} always has this term and data in the concurrency test; index 0 has term 0. */
    static long termAt(long index) {
        return index == 0 ? 0 : 1 + (index - 1) / 1000;
    }

    static Entry entryAt(long index) {
        return entry(index, termAt(index), 16 + (int) (index % 64));
    }

    static void writeAndCompact(LogStorage log) {
        long next = 1;
        for (int batch = 1; batch <= BATCHES; batch++) {
            List<Entry> entries = new ArrayList<>(BATCH_SIZE);
            for (int k = 0; k < BATCH_SIZE; k++) {
                entries.add(entryAt(next++));
            }
            log.append(entries);
            log.setHardState(HardState.newBuilder().setTerm(batch).setVote(1).setCommit(7L * batch).build());
            if (batch % 20 == 0) {
                long upTo = next - 1 - 200;
                log.compactPrefix(snapshot(upTo, termAt(upTo)));
            }
            if (batch % 10 == 0) {
                log.sync();
            }
        }
    }

    /** Reads until the writer is done (then once more); returns the number of reads that got data. */
    static long readUntilDone(LogStorage log, AtomicBoolean writerDone, long seed) {
        Random random = new Random(seed);
        long successful = 0;
        boolean last = false;
        while (!last) {
            last = writerDone.get();
            if (readOnce(log, random, seed)) {
                successful++;
            }
        }
        return successful;
    }

    private static boolean readOnce(LogStorage log, Random random, long seed) {
        HardState hs = log.hardState();
        assertThat(hs.getCommit()).as("a torn hard state, reader seed %d", seed).isEqualTo(7 * hs.getTerm());
        SnapshotMetadata compacted = log.compactedTo();
        assertThat(compacted.getTerm()).as("compactedTo %s, reader seed %d", compacted, seed)
                .isEqualTo(termAt(compacted.getIndex()));

        long first = log.firstIndex();
        long lastIndex = log.lastIndex(); // only grows in this test, so [first, lastIndex] stays readable or compacted
        assertThat(lastIndex).as("reader seed %d", seed).isGreaterThanOrEqualTo(first - 1);
        try {
            long at = first - 1 + (long) (random.nextDouble() * (lastIndex - first + 2));
            assertThat(log.term(at)).as("term(%d), reader seed %d", at, seed).isEqualTo(termAt(at));
            if (lastIndex < first) {
                return false;
            }
            long lo = first + (long) (random.nextDouble() * (lastIndex - first + 1));
            long hi = Math.min(lastIndex + 1, lo + 1 + random.nextInt(200));
            List<Entry> got = log.entries(lo, hi, random.nextInt(4000));
            assertThat(got).as("entries(%d, %d) gave nothing, reader seed %d", lo, hi, seed).isNotEmpty();
            for (int k = 0; k < got.size(); k++) {
                assertThat(got.get(k)).as("entry %d of entries(%d, %d), reader seed %d", k, lo, hi, seed)
                        .isEqualTo(entryAt(lo + k));
            }
            return true;
        } catch (LogCompactedException compactedMeanwhile) {
            return false; // allowed: the caller would send a snapshot instead
        }
    }
}
