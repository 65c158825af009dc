package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.spi.kit.LogFixtures.entries;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StorageOptions;

/**
 * The kit's threading test never truncates; here the writer overwrites a suffix again and again
 * (with the entry cache off, so reads go to the queue) while two readers read across it: a single
 * read must never mix entries of two overwrites.
 */
class ChronicleLogConcurrencyTest {

    @TempDir
    Path root;

    @Test
    void aReadNeverMixesAnOldAndANewSuffix() throws Exception {
        ChronicleLogStorage log = new ChronicleLogStorage(new StorageOptions(root.resolve("log"), "c", 1, 0),
                ChronicleLogStorageTest.SMALL_SEGMENTS);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicBoolean done = new AtomicBoolean();
        try {
            log.append(entries(1, 100, 1));
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    long checked = 0;
                    boolean last = false;
                    while (!last) {
                        last = done.get();
                        List<Entry> got;
                        try {
                            got = log.entries(40, Math.min(101, log.lastIndex() + 1), Long.MAX_VALUE);
                        } catch (IndexOutOfBoundsException shrunkMeanwhile) {
                            continue;
                        }
                        Set<Long> suffixTerms = new HashSet<>();
                        for (Entry e : got) {
                            if (e.getIndex() >= 50) {
                                suffixTerms.add(e.getTerm());
                            }
                        }
                        assertThat(suffixTerms).as("terms in one read of the suffix").hasSizeLessThanOrEqualTo(1);
                        checked++;
                    }
                    return checked;
                }));
            }
            try {
                for (long term = 2; term <= 200; term++) {
                    if (term % 3 == 0) {
                        log.truncateSuffix(50 + term % 7);
                    }
                    log.append(entries(50, 100, term));
                    if (term % 20 == 0) {
                        log.sync();
                    }
                }
            } finally {
                done.set(true);
            }
            for (Future<Long> reader : readers) {
                assertThat(reader.get(2, TimeUnit.MINUTES)).isPositive();
            }
            assertThat(log.entries(50, 101, Long.MAX_VALUE)).containsExactlyElementsOf(entries(50, 100, 200));
        } finally {
            pool.shutdownNow();
            log.close();
        }
    }
}
