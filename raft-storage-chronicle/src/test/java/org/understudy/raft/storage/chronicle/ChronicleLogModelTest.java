package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.spi.kit.LogFixtures.entry;
import static org.understudy.raft.spi.kit.LogFixtures.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageOptions;

/**
 * Seeded random histories of appends (with overwrites), truncations, compactions (within the log,
 * with a conflicting term, and past its end), hard states, syncs and reopens, run against the
 * Chronicle log with tiny segments and against {@link MemoryLogStorage} as the model; after every
 * step both must agree. The seed of a failing history is in the assertion message.
 */
class ChronicleLogModelTest {

    private static final int STEPS = 600;
    private static final long CACHE_BUDGET = 6_000;

    @TempDir
    Path root;

    @Test
    void randomHistoriesAgreeWithTheInMemoryModelAcrossReopens() {
        for (long seed = 1; seed <= 4; seed++) {
            runHistory(seed);
        }
    }

    private void runHistory(long seed) {
        Random random = new Random(seed);
        Path dir = root.resolve("seed-" + seed);
        StorageOptions options = new StorageOptions(dir, "model-cluster", 3, CACHE_BUDGET);
        ChronicleLogSettings settings = new ChronicleLogSettings(ChronicleLogSettings.MIN_SEGMENT_BYTES);
        MemoryLogStorage model = new MemoryLogStorage();
        ChronicleLogStorage log = new ChronicleLogStorage(options, settings);
        long term = 1;
        int reopens = 0;
        try {
            for (int step = 0; step < STEPS; step++) {
                String what = "seed " + seed + " step " + step;
                int op = random.nextInt(100);
                if (op < 45) {
                    long from = model.firstIndex() + (long) (random.nextDouble() * (model.lastIndex() - model.firstIndex() + 2));
                    if (random.nextInt(5) == 0) {
                        term++;
                    }
                    List<Entry> batch = new ArrayList<>();
                    int n = 1 + random.nextInt(random.nextInt(4) == 0 ? 200 : 20);
                    for (int k = 0; k < n; k++) {
                        batch.add(entry(from + k, term, random.nextInt(400)));
                    }
                    both(model, log, s -> s.append(batch));
                } else if (op < 55) {
                    long from = model.firstIndex() + (long) (random.nextDouble() * (model.lastIndex() - model.firstIndex() + 3));
                    both(model, log, s -> s.truncateSuffix(from));
                } else if (op < 65) {
                    long first = model.firstIndex();
                    long last = model.lastIndex();
                    long index;
                    long snapTerm;
                    int kind = random.nextInt(10);
                    if (kind < 7 && last >= first) {
                        index = first + (long) (random.nextDouble() * (last - first + 1));
                        snapTerm = model.term(index);
                    } else if (kind < 9 && last >= first) {
                        index = first + (long) (random.nextDouble() * (last - first + 1));
                        snapTerm = term + 1; // a leader's snapshot that conflicts with our entries
                        term++;
                    } else {
                        index = last + 1 + random.nextInt(50); // a snapshot past our log
                        snapTerm = term;
                    }
                    both(model, log, s -> s.compactPrefix(snapshot(index, snapTerm)));
                } else if (op < 75) {
                    HardState hs = HardState.newBuilder().setTerm(term).setVote(random.nextInt(5)).setCommit(random.nextInt(1000)).build();
                    both(model, log, s -> s.setHardState(hs));
                } else if (op < 92) {
                    both(model, log, LogStorage::sync);
                } else {
                    log.sync();
                    model.sync();
                    log.close();
                    log = new ChronicleLogStorage(options, settings);
                    reopens++;
                }
                compare(model, log, what, random.nextInt(8) == 0);
                assertThat(log.cachedBytes()).as("entry cache, %s", what).isLessThanOrEqualTo(CACHE_BUDGET);
            }
            log.sync();
            log.close();
            log = new ChronicleLogStorage(options, settings);
            compare(model, log, "seed " + seed + " after the last reopen", true);
            assertThat(reopens).as("seed %d reopened during the history", seed).isPositive();
            assertThat(QueueRecords.segmentFiles(dir).size())
                    .as("seed %d: compactions deleted old segments (of %d created)", seed, log.currentSegment() + 1)
                    .isLessThan(log.currentSegment() + 1);
        } finally {
            log.close();
        }
    }

    private interface Op {
        void apply(LogStorage s);
    }

    private static void both(LogStorage model, LogStorage log, Op op) {
        op.apply(model);
        op.apply(log);
    }

    private static void compare(LogStorage model, LogStorage log, String what, boolean allEntries) {
        assertThat(log.compactedTo()).as("compactedTo, %s", what).isEqualTo(model.compactedTo());
        assertThat(log.firstIndex()).as("firstIndex, %s", what).isEqualTo(model.firstIndex());
        assertThat(log.lastIndex()).as("lastIndex, %s", what).isEqualTo(model.lastIndex());
        assertThat(log.hardState()).as("hardState, %s", what).isEqualTo(model.hardState());
        long first = model.firstIndex();
        long last = model.lastIndex();
        assertThat(log.term(first - 1)).as("term(first - 1), %s", what).isEqualTo(model.term(first - 1));
        if (last >= first) {
            assertThat(log.term(last)).as("term(last), %s", what).isEqualTo(model.term(last));
            long lo = allEntries ? first : Math.max(first, last - 30);
            assertThat(log.entries(lo, last + 1, Long.MAX_VALUE)).as("entries [%d, %d], %s", lo, last, what)
                    .containsExactlyElementsOf(model.entries(lo, last + 1, Long.MAX_VALUE));
        }
    }
}
