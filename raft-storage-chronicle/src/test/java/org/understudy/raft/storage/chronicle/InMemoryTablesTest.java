package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.spi.kit.LogFixtures.entry;

import org.junit.jupiter.api.Test;

/** The log's in-memory tables on their own: positions, term runs, the entry cache. */
class InMemoryTablesTest {

    @Test
    void positionTableFollowsTheLiveWindowAndFreesWholeChunks() {
        PositionTable table = new PositionTable(1);
        int n = PositionTable.CHUNK * 5;
        for (long i = 1; i <= n; i++) {
            table.append(i, i * 10);
        }
        assertThat(table.get(1)).isEqualTo(10);
        assertThat(table.get(n)).isEqualTo(n * 10L);
        long allocated = table.allocatedSlots();

        table.dropUpTo(PositionTable.CHUNK * 3L);
        assertThat(table.first()).isEqualTo(PositionTable.CHUNK * 3L + 1);
        assertThat(table.allocatedSlots()).isLessThan(allocated);
        assertThatThrownBy(() -> table.get(5)).isInstanceOf(IndexOutOfBoundsException.class);

        table.truncateFrom(PositionTable.CHUNK * 4L);
        assertThat(table.last()).isEqualTo(PositionTable.CHUNK * 4L - 1);
        assertThat(table.allocatedSlots()).isLessThanOrEqualTo(2L * PositionTable.CHUNK);
        table.append(PositionTable.CHUNK * 4L, 7);
        assertThat(table.get(PositionTable.CHUNK * 4L)).isEqualTo(7);

        table.truncateFrom(table.first());
        assertThat(table.isEmpty()).isTrue();
        assertThat(table.allocatedSlots()).isZero();
        table.append(table.first(), 99);
        assertThat(table.get(table.first())).isEqualTo(99);

        table.dropUpTo(1_000_000);
        assertThat(table.isEmpty()).isTrue();
        assertThat(table.first()).isEqualTo(1_000_001);
        table.append(1_000_001, 1);
        assertThat(table.get(1_000_001)).isEqualTo(1);
    }

    @Test
    void termRunsAnswerEveryIndexAndFollowTruncationAndCompaction() {
        TermRuns runs = new TermRuns();
        for (long i = 1; i <= 100; i++) {
            runs.append(i, 1 + i / 30);
        }
        assertThat(runs.runs()).isEqualTo(4);
        assertThat(runs.termAt(1)).isEqualTo(1);
        assertThat(runs.termAt(29)).isEqualTo(1);
        assertThat(runs.termAt(30)).isEqualTo(2);
        assertThat(runs.termAt(100)).isEqualTo(4);

        runs.truncateFrom(60);
        runs.append(60, 9);
        assertThat(runs.termAt(59)).isEqualTo(2);
        assertThat(runs.termAt(60)).isEqualTo(9);

        runs.dropBefore(45);
        assertThat(runs.termAt(45)).isEqualTo(2);
        assertThat(runs.runs()).isEqualTo(2);
    }

    @Test
    void entryCacheEvictsTheOldestAndStaysContiguous() {
        long per = entry(1, 1, 100).getSerializedSize() + EntryCache.ENTRY_OVERHEAD;
        EntryCache cache = new EntryCache(per * 3);
        for (long i = 1; i <= 5; i++) {
            cache.add(entry(i, 1, 100));
            assertThat(cache.bytes()).isLessThanOrEqualTo(per * 3);
        }
        assertThat(cache.get(2)).isNull();
        assertThat(cache.get(3)).isEqualTo(entry(3, 1, 100));
        assertThat(cache.get(5)).isEqualTo(entry(5, 1, 100));

        cache.truncateFrom(5);
        cache.add(entry(5, 2, 100));
        assertThat(cache.get(5)).isEqualTo(entry(5, 2, 100));

        cache.add(entry(9, 2, 100)); // not contiguous: the cache restarts there
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.get(5)).isNull();

        cache.add(entry(10, 2, 100_000)); // larger than the budget: not cached, and the rest dropped
        assertThat(cache.size()).isZero();
        assertThat(cache.bytes()).isZero();
    }
}
