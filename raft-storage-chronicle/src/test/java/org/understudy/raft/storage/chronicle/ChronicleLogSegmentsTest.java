package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.spi.kit.LogFixtures.entry;
import static org.understudy.raft.spi.kit.LogFixtures.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StorageOptions;

/**
 * Segments: the log rolls to a new file by size, and a compaction gives back every whole segment
 * before the first live entry, once the compaction is synced; memory stays bounded.
 */
class ChronicleLogSegmentsTest {

    private static final ChronicleLogSettings TINY = new ChronicleLogSettings(ChronicleLogSettings.MIN_SEGMENT_BYTES);

    @TempDir
    Path root;

    private ChronicleLogStorage log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private ChronicleLogStorage open(Path dir, long cacheBytes) {
        log = new ChronicleLogStorage(new StorageOptions(dir, "seg-cluster", 1, cacheBytes), TINY);
        return log;
    }

    private static Entry sized(long index) {
        return entry(index, 1 + index / 500, 100);
    }

    private void appendAndSync(long from, long to) {
        List<Entry> batch = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            batch.add(sized(i));
            if (batch.size() == 50 || i == to) {
                log.append(batch);
                log.sync();
                batch = new ArrayList<>();
            }
        }
    }

    @Test
    void compactionDeletesTheSegmentsBeforeTheFirstLiveEntryAtTheNextSync() {
        Path dir = root.resolve("log");
        open(dir, 0);
        appendAndSync(1, 2000);
        List<Path> before = QueueRecords.segmentFiles(dir);
        assertThat(before).as("2000 entries of ~130 bytes in 16 KiB segments").hasSizeGreaterThan(10);
        assertThat(before.get(0)).isEqualTo(log.segmentFile(0));

        log.compactPrefix(snapshot(1990, sized(1990).getTerm()));
        assertThat(QueueRecords.segmentFiles(dir)).as("nothing is deleted before the compaction is durable").containsAll(before);
        log.sync();

        List<Path> after = QueueRecords.segmentFiles(dir);
        assertThat(after).as("only the segments from the one holding entry 1991 on").hasSizeLessThanOrEqualTo(2);
        assertThat(after).contains(log.segmentFile(log.currentSegment()));
        assertThat(before.subList(0, before.size() - 2)).allSatisfy(f -> assertThat(f).doesNotExist());
        assertThat(log.entries(1991, 2001, Long.MAX_VALUE)).hasSize(10).first().isEqualTo(sized(1991));

        log.close();
        open(dir, 0);
        assertThat(log.firstIndex()).isEqualTo(1991);
        assertThat(log.lastIndex()).isEqualTo(2000);
        assertThat(log.entries(1991, 2001, Long.MAX_VALUE)).hasSize(10).last().isEqualTo(sized(2000));

        // Compacting everything keeps just the current segment, and the log goes on from there.
        log.compactPrefix(snapshot(2000, sized(2000).getTerm()));
        log.sync();
        assertThat(QueueRecords.segmentFiles(dir)).containsExactly(log.segmentFile(log.currentSegment()));
        appendAndSync(2001, 2100);
        log.close();
        open(dir, 0);
        assertThat(log.firstIndex()).isEqualTo(2001);
        assertThat(log.entries(2001, 2101, Long.MAX_VALUE)).hasSize(100).last().isEqualTo(sized(2100));
    }

    @Test
    void aSnapshotPastTheLogReleasesEverySegmentButTheCurrentOne() {
        Path dir = root.resolve("log");
        open(dir, 0);
        appendAndSync(1, 1000);

        log.compactPrefix(snapshot(5000, 9));
        log.sync();

        assertThat(QueueRecords.segmentFiles(dir)).hasSize(1);
        log.close();
        open(dir, 0);
        assertThat(log.firstIndex()).isEqualTo(5001);
        assertThat(log.lastIndex()).isEqualTo(5000);
        assertThat(log.term(5000)).isEqualTo(9);
    }

    @Test
    void theEntryCacheNeverExceedsItsBudgetAndReadsStayCorrect() {
        long budget = 2_000;
        open(root.resolve("log"), budget);
        for (long i = 1; i <= 300; i++) {
            int size = i == 150 ? 5_000 : (int) (i * 7 % 300); // one entry larger than the whole budget
            log.append(List.of(entry(i, 1, size)));
            assertThat(log.cachedBytes()).as("after entry %d", i).isLessThanOrEqualTo(budget);
        }
        assertThat(log.cachedBytes()).as("recent entries are cached").isPositive();
        for (long i = 1; i <= 300; i++) {
            int size = i == 150 ? 5_000 : (int) (i * 7 % 300);
            assertThat(log.entries(i, i + 1, Long.MAX_VALUE)).containsExactly(entry(i, 1, size));
        }
        log.truncateSuffix(290);
        log.compactPrefix(snapshot(289, 1));
        assertThat(log.cachedBytes()).isZero();
    }
}
