package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.understudy.raft.spi.kit.LogFixtures.entries;
import static org.understudy.raft.spi.kit.LogFixtures.entry;
import static org.understudy.raft.spi.kit.LogFixtures.jointConf;
import static org.understudy.raft.spi.kit.LogFixtures.snapshot;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;

/**
 * The contract of {@link LogStorage}, point by point. Every engine (memory, Chronicle, MapDB)
 * extends this class, implements {@link #newStorage()} and, if it is durable,
 * {@link #reopen(LogStorage)}; the tests then run against it unchanged.
 *
 * <p>Choices where the SPI javadoc is silent follow etcd-io/raft's {@code MemoryStorage} and are
 * tested here so that every engine makes the same ones:
 * <ul>
 *   <li>{@code append} ignores the entries of a batch that lie at or below {@code compactedTo()}
 *       (a batch wholly below {@code firstIndex()} is a no-op);</li>
 *   <li>{@code append} replaces every entry from the batch's first index on, even when the terms
 *       agree (finding the real conflict is the core's job);</li>
 *   <li>a rejected {@code append} changes nothing;</li>
 *   <li>{@code truncateSuffix} below {@code firstIndex()} throws {@link IllegalArgumentException},
 *       and above {@code lastIndex()} does nothing.</li>
 * </ul>
 *
 * <p>Nothing here depends on timing: the concurrency test runs a bounded number of writes and
 * checks what the readers saw, however the threads were scheduled. A subclass can override a test
 * method to disable it, but should say why in its own javadoc.
 */
public abstract class LogStorageConformanceKit {
    /** Not limited by size. */
    protected static final long NO_LIMIT = Long.MAX_VALUE;

    /** The storage under test; {@link #syncCloseAndReopen()} replaces it. */
    protected LogStorage storage;

    /** A new, empty storage (for a disk engine: in a fresh directory). */
    protected abstract LogStorage newStorage();

    /**
     * Opens again the storage that was just synced and closed, as a restarted process would; or
     * {@code null} (the default) when the engine cannot, in which case the reopen tests are skipped.
     */
    protected LogStorage reopen(LogStorage closed) {
        return null;
    }

    @BeforeEach
    void openStorage() {
        storage = newStorage();
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    // ------------------------------------------------------------------ shape of an empty log

    @Test
    public void emptyLogHasBoundsOneAndZeroAndDefaultState() {
        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(storage.lastIndex()).isZero();
        assertThat(storage.compactedTo().getIndex()).isZero();
        assertThat(storage.compactedTo().getTerm()).isZero();
        assertThat(storage.compactedTo().getConfState()).isEqualTo(ConfState.getDefaultInstance());
        assertThat(storage.hardState()).isEqualTo(HardState.getDefaultInstance());
        assertThat(storage.term(0)).isZero();
        assertThat(storage.entries(1, 1, NO_LIMIT)).isEmpty();
        storage.sync();
    }

    @Test
    public void emptyLogRejectsReadsPastItsBounds() {
        assertThatThrownBy(() -> storage.term(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(1, 2, NO_LIMIT)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(0, 1, NO_LIMIT)).isInstanceOf(LogCompactedException.class);
    }

    // ------------------------------------------------------------------ append and read back

    @Test
    public void appendedEntriesReadBackWithTheirTerms() {
        List<Entry> written = List.of(entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 3), entry(5, 3));
        storage.append(written);

        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.entries(1, 6, NO_LIMIT)).containsExactlyElementsOf(written);
        assertThat(storage.entries(2, 4, NO_LIMIT)).containsExactly(entry(2, 1), entry(3, 2));
        assertThat(storage.term(0)).isZero();
        for (Entry e : written) {
            assertThat(storage.term(e.getIndex())).as("term(%d)", e.getIndex()).isEqualTo(e.getTerm());
        }
    }

    @Test
    public void appendsInSeveralBatchesFormOneLog() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 9, 2));
        storage.append(List.of(entry(10, 2)));
        storage.append(List.of());

        assertThat(storage.lastIndex()).isEqualTo(10);
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 10, 2));
        assertThat(storage.entries(1, 11, NO_LIMIT)).containsExactlyElementsOf(expected);
    }

    @Test
    public void entriesOfEveryTypeAndSizeRoundTrip() {
        Entry confChange = Entry.newBuilder().setIndex(2).setTerm(1).setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(ByteString.copyFromUtf8("a conf change")).build();
        Entry empty = Entry.newBuilder().setIndex(3).setTerm(1).build(); // a new leader's no-op
        List<Entry> written = List.of(entry(1, 1), confChange, empty, entry(4, 1));
        storage.append(written);

        assertThat(storage.entries(1, 5, NO_LIMIT)).containsExactlyElementsOf(written);
    }

    // ------------------------------------------------------------------ term(i)

    @Test
    public void termIsAnsweredFromFirstIndexMinusOneToLastIndex() {
        storage.append(entries(1, 10, 1));
        storage.append(entries(5, 10, 2));
        storage.compactPrefix(snapshot(4, 1));

        assertThat(storage.term(4)).as("term(firstIndex - 1) comes from compactedTo").isEqualTo(1);
        assertThat(storage.term(5)).isEqualTo(2);
        assertThat(storage.term(10)).isEqualTo(2);
        assertThatThrownBy(() -> storage.term(3)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.term(0)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.term(11)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ------------------------------------------------------------------ entries(lo, hi, maxBytes)

    @Test
    public void entriesStopBeforeExceedingMaxBytesButReturnAtLeastOne() {
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            written.add(entry(i, 1, 50 + 10 * (int) i)); // sizes differ so an off-by-one shows
        }
        storage.append(written);
        long s1 = written.get(0).getSerializedSize();
        long s2 = written.get(1).getSerializedSize();

        assertThat(storage.entries(1, 11, 0)).as("maxBytes 0 still gives one").containsExactly(written.get(0));
        assertThat(storage.entries(1, 11, s1)).containsExactly(written.get(0));
        assertThat(storage.entries(1, 11, s1 + s2 - 1)).containsExactly(written.get(0));
        assertThat(storage.entries(1, 11, s1 + s2)).containsExactly(written.get(0), written.get(1));
        assertThat(storage.entries(1, 11, totalSize(written))).containsExactlyElementsOf(written);
        assertThat(storage.entries(1, 11, totalSize(written) - 1)).hasSize(9);
        assertThat(storage.entries(4, 4, 0)).isEmpty();
    }

    @Test
    public void entriesFollowTheByteLimitRuleForRandomRanges() {
        long seed = 20240611L;
        Random random = new Random(seed);
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= 200; i++) {
            written.add(entry(i, 1 + i / 50, random.nextInt(300)));
        }
        storage.append(written);
        storage.compactPrefix(snapshot(20, 1));

        for (int round = 0; round < 500; round++) {
            long lo = 21 + random.nextInt(180);
            long hi = lo + random.nextInt((int) (201 - lo + 1));
            long maxBytes = random.nextInt(3000);
            List<Entry> expected = expectedEntries(written, lo, hi, maxBytes);
            assertThat(storage.entries(lo, hi, maxBytes))
                    .as("entries(%d, %d, %d), seed %d round %d", lo, hi, maxBytes, seed, round)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    public void entriesOutsideTheLogAreRejected() {
        storage.append(entries(1, 10, 1));
        storage.compactPrefix(snapshot(3, 1));

        assertThatThrownBy(() -> storage.entries(3, 5, NO_LIMIT)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.entries(1, 11, NO_LIMIT)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.entries(4, 12, NO_LIMIT)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(6, 5, NO_LIMIT)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(storage.entries(11, 11, NO_LIMIT)).as("an empty range at lastIndex + 1").isEmpty();
        assertThat(storage.entries(4, 11, NO_LIMIT)).containsExactlyElementsOf(entries(4, 10, 1));
    }

    // ------------------------------------------------------------------ overwrite, gaps, truncation

    @Test
    public void appendReplacesTheSuffixFromItsFirstIndex() {
        storage.append(entries(1, 10, 1));

        storage.append(List.of(entry(6, 2), entry(7, 2)));
        assertThat(storage.lastIndex()).isEqualTo(7);
        assertThat(storage.entries(1, 8, NO_LIMIT)).containsExactly(entry(1, 1), entry(2, 1), entry(3, 1),
                entry(4, 1), entry(5, 1), entry(6, 2), entry(7, 2));

        storage.append(List.of(entry(8, 3)));
        assertThat(storage.lastIndex()).isEqualTo(8);
        assertThat(storage.term(8)).isEqualTo(3);

        storage.append(List.of(entry(3, 1)));
        assertThat(storage.lastIndex()).as("entries after the batch are dropped even when terms agree").isEqualTo(3);

        storage.append(List.of(entry(1, 5)));
        assertThat(storage.lastIndex()).isEqualTo(1);
        assertThat(storage.entries(1, 2, NO_LIMIT)).containsExactly(entry(1, 5));
    }

    @Test
    public void appendThatLeavesAGapOrIsNotContiguousIsRejectedAndChangesNothing() {
        assertThatThrownBy(() -> storage.append(List.of(entry(2, 1)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.lastIndex()).isZero();

        storage.append(entries(1, 5, 1));
        assertThatThrownBy(() -> storage.append(List.of(entry(7, 1)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.append(List.of(entry(6, 1), entry(8, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.append(List.of(entry(3, 2), entry(3, 2))))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.entries(1, 6, NO_LIMIT)).containsExactlyElementsOf(entries(1, 5, 1));
    }

    @Test
    public void appendIgnoresEntriesAlreadyCoveredBySnapshot() {
        storage.append(entries(1, 10, 1));
        storage.compactPrefix(snapshot(5, 1));

        storage.append(entries(3, 8, 2));
        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).isEqualTo(8);
        assertThat(storage.term(5)).as("compactedTo is untouched").isEqualTo(1);
        assertThat(storage.entries(6, 9, NO_LIMIT)).containsExactlyElementsOf(entries(6, 8, 2));

        storage.append(entries(2, 4, 3));
        assertThat(storage.lastIndex()).as("a batch wholly below firstIndex changes nothing").isEqualTo(8);
        assertThat(storage.entries(6, 9, NO_LIMIT)).containsExactlyElementsOf(entries(6, 8, 2));
    }

    @Test
    public void truncateSuffixRemovesFromTheGivenIndexOn() {
        storage.append(entries(1, 10, 1));

        storage.truncateSuffix(11);
        assertThat(storage.lastIndex()).as("past the end: nothing to remove").isEqualTo(10);

        storage.truncateSuffix(8);
        assertThat(storage.lastIndex()).isEqualTo(7);
        assertThat(storage.entries(1, 8, NO_LIMIT)).containsExactlyElementsOf(entries(1, 7, 1));
        assertThatThrownBy(() -> storage.term(8)).isInstanceOf(IndexOutOfBoundsException.class);

        storage.append(List.of(entry(8, 4)));
        assertThat(storage.entries(8, 9, NO_LIMIT)).containsExactly(entry(8, 4));

        storage.truncateSuffix(1);
        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(storage.lastIndex()).isZero();
        storage.append(List.of(entry(1, 5)));
        assertThat(storage.entries(1, 2, NO_LIMIT)).containsExactly(entry(1, 5));
    }

    @Test
    public void truncateSuffixStopsAtTheCompactionPoint() {
        storage.append(entries(1, 10, 1));
        storage.compactPrefix(snapshot(3, 1));

        assertThatThrownBy(() -> storage.truncateSuffix(3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.lastIndex()).isEqualTo(10);

        storage.truncateSuffix(4);
        assertThat(storage.firstIndex()).isEqualTo(4);
        assertThat(storage.lastIndex()).isEqualTo(3);
        assertThat(storage.term(3)).isEqualTo(1);
        storage.append(List.of(entry(4, 2)));
        assertThat(storage.entries(4, 5, NO_LIMIT)).containsExactly(entry(4, 2));
    }

    // ------------------------------------------------------------------ compaction

    @Test
    public void compactPrefixWithinTheLogDropsOnlyThePrefix() {
        storage.append(entries(1, 4, 1));
        storage.append(entries(5, 10, 2));
        SnapshotMetadata snap = snapshot(5, 2, jointConf());

        storage.compactPrefix(snap);

        assertThat(storage.compactedTo()).isEqualTo(snap);
        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.term(5)).isEqualTo(2);
        assertThatThrownBy(() -> storage.term(4)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.entries(5, 7, NO_LIMIT)).isInstanceOf(LogCompactedException.class);
        assertThat(storage.entries(6, 11, NO_LIMIT)).containsExactlyElementsOf(entries(6, 10, 2));

        storage.compactPrefix(snapshot(8, 2));
        assertThat(storage.firstIndex()).isEqualTo(9);
        assertThat(storage.entries(9, 11, NO_LIMIT)).containsExactlyElementsOf(entries(9, 10, 2));
        storage.append(List.of(entry(11, 3)));
        assertThat(storage.lastIndex()).isEqualTo(11);
    }

    @Test
    public void compactPrefixAtTheLastIndexLeavesAnEmptyLogAfterIt() {
        storage.append(entries(1, 10, 1));

        storage.compactPrefix(snapshot(10, 1));

        assertThat(storage.firstIndex()).isEqualTo(11);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.term(10)).isEqualTo(1);
        assertThat(storage.entries(11, 11, NO_LIMIT)).isEmpty();
        storage.append(List.of(entry(11, 1)));
        assertThat(storage.lastIndex()).isEqualTo(11);
    }

    @Test
    public void compactPrefixBeyondTheLogDropsEverythingAndRestartsAfterTheSnapshot() {
        storage.append(entries(1, 5, 1));
        SnapshotMetadata snap = snapshot(20, 3, jointConf());

        storage.compactPrefix(snap);

        assertThat(storage.compactedTo()).isEqualTo(snap);
        assertThat(storage.firstIndex()).isEqualTo(21);
        assertThat(storage.lastIndex()).isEqualTo(20);
        assertThat(storage.term(20)).isEqualTo(3);
        assertThatThrownBy(() -> storage.term(19)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.term(21)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(storage.entries(21, 21, NO_LIMIT)).isEmpty();
        assertThatThrownBy(() -> storage.append(List.of(entry(22, 3)))).isInstanceOf(IllegalArgumentException.class);
        storage.append(List.of(entry(21, 3)));
        assertThat(storage.entries(21, 22, NO_LIMIT)).containsExactly(entry(21, 3));
    }

    @Test
    public void compactPrefixWithAnotherTermAtThatIndexDropsEverything() {
        storage.append(entries(1, 10, 1));

        storage.compactPrefix(snapshot(5, 2));

        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).as("entries after a conflicting snapshot can't be trusted").isEqualTo(5);
        assertThat(storage.term(5)).isEqualTo(2);
        assertThatThrownBy(() -> storage.term(6)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    public void compactPrefixAtOrBelowCompactedToDoesNothing() {
        storage.append(entries(1, 10, 1));
        SnapshotMetadata snap = snapshot(5, 1, jointConf());
        storage.compactPrefix(snap);

        storage.compactPrefix(snapshot(5, 7));
        storage.compactPrefix(snapshot(3, 1));
        storage.compactPrefix(SnapshotMetadata.getDefaultInstance());

        assertThat(storage.compactedTo()).isEqualTo(snap);
        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.entries(6, 11, NO_LIMIT)).containsExactlyElementsOf(entries(6, 10, 1));
    }

    @Test
    public void compactedToCarriesTheWholeConfState() {
        storage.append(entries(1, 3, 1));
        SnapshotMetadata snap = snapshot(2, 1, jointConf());

        storage.compactPrefix(snap);

        assertThat(storage.compactedTo().getConfState()).isEqualTo(jointConf());
        assertThat(storage.compactedTo()).isEqualTo(snap);
    }

    // ------------------------------------------------------------------ hard state

    @Test
    public void hardStateIsReplacedBySetHardState() {
        HardState first = HardState.newBuilder().setTerm(3).setVote(2).setCommit(7).build();
        storage.setHardState(first);
        assertThat(storage.hardState()).isEqualTo(first);

        HardState second = HardState.newBuilder().setTerm(4).setCommit(9).build();
        storage.setHardState(second);
        assertThat(storage.hardState()).isEqualTo(second);

        storage.setHardState(HardState.getDefaultInstance());
        assertThat(storage.hardState()).isEqualTo(HardState.getDefaultInstance());
    }

    @Test
    public void hardStateIsIndependentOfTheEntries() {
        HardState hs = HardState.newBuilder().setTerm(2).setVote(1).setCommit(3).build();
        storage.setHardState(hs);
        storage.append(entries(1, 5, 2));
        storage.compactPrefix(snapshot(3, 2));
        storage.truncateSuffix(5);

        assertThat(storage.hardState()).isEqualTo(hs);
    }

    // ------------------------------------------------------------------ durability across reopen

    @Test
    public void reopenOfAnEmptyLogIsEmpty() {
        syncCloseAndReopen();

        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(storage.lastIndex()).isZero();
        assertThat(storage.compactedTo().getIndex()).isZero();
        assertThat(storage.hardState()).isEqualTo(HardState.getDefaultInstance());
        storage.append(entries(1, 2, 1));
        assertThat(storage.lastIndex()).isEqualTo(2);
    }

    @Test
    public void reopenAfterSyncKeepsEntriesTermsHardStateAndCompaction() {
        storage.append(entries(1, 20, 1));
        storage.append(entries(15, 16, 2)); // an overwrite in the history
        SnapshotMetadata snap = snapshot(5, 1, jointConf());
        storage.compactPrefix(snap);
        HardState hs = HardState.newBuilder().setTerm(2).setVote(3).setCommit(12).build();
        storage.setHardState(hs);

        syncCloseAndReopen();

        assertThat(storage.compactedTo()).isEqualTo(snap);
        assertThat(storage.hardState()).isEqualTo(hs);
        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).isEqualTo(16);
        List<Entry> expected = new ArrayList<>(entries(6, 14, 1));
        expected.addAll(entries(15, 16, 2));
        assertThat(storage.entries(6, 17, NO_LIMIT)).containsExactlyElementsOf(expected);
        assertThat(storage.term(5)).isEqualTo(1);
        assertThat(storage.term(16)).isEqualTo(2);

        // Appending continues where the log left off, and survives another reopen.
        storage.append(entries(17, 18, 2));
        storage.truncateSuffix(18);
        syncCloseAndReopen();
        assertThat(storage.lastIndex()).isEqualTo(17);
        assertThat(storage.entries(16, 18, NO_LIMIT)).containsExactlyElementsOf(entries(16, 17, 2));
        assertThat(storage.hardState()).isEqualTo(hs);
    }

    @Test
    public void reopenAfterSyncedTruncationAndOverwriteSeesTheNewSuffix() {
        storage.append(entries(1, 10, 1));
        storage.sync();
        storage.truncateSuffix(6);
        storage.append(entries(6, 8, 2));

        syncCloseAndReopen();

        assertThat(storage.lastIndex()).isEqualTo(8);
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 8, 2));
        assertThat(storage.entries(1, 9, NO_LIMIT)).containsExactlyElementsOf(expected);
    }

    @Test
    public void reopenAfterASnapshotPastTheLogKeepsTheEmptyLogAfterIt() {
        storage.append(entries(1, 10, 1));
        storage.sync();
        SnapshotMetadata snap = snapshot(30, 4, jointConf());
        storage.compactPrefix(snap);

        syncCloseAndReopen();

        assertThat(storage.compactedTo()).isEqualTo(snap);
        assertThat(storage.firstIndex()).isEqualTo(31);
        assertThat(storage.lastIndex()).isEqualTo(30);
        assertThat(storage.term(30)).isEqualTo(4);
        storage.append(List.of(entry(31, 4)));
        assertThat(storage.entries(31, 32, NO_LIMIT)).containsExactly(entry(31, 4));
    }

    @Test
    public void reopenAfterAConflictingSnapshotKeepsNoEntryAfterIt() {
        storage.append(entries(1, 10, 1));
        storage.sync();
        storage.compactPrefix(snapshot(5, 2));

        syncCloseAndReopen();

        assertThat(storage.firstIndex()).isEqualTo(6);
        assertThat(storage.lastIndex()).as("entries after a conflicting snapshot must not come back").isEqualTo(5);
        assertThat(storage.term(5)).isEqualTo(2);
    }

    // ------------------------------------------------------------------ volume

    @Test
    public void largeEntriesRoundTrip() {
        List<Entry> written = largeEntries();
        storage.append(written);

        checkLargeEntries(written);
    }

    @Test
    public void largeEntriesSurviveReopen() {
        List<Entry> written = largeEntries();
        storage.append(written);

        syncCloseAndReopen();

        checkLargeEntries(written);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    public void manyEntriesRoundTripAndReadInBoundedPages() {
        appendManySmallEntries();

        checkManySmallEntries(1);
        storage.compactPrefix(snapshot(MANY / 2, manyTerm(MANY / 2)));
        checkManySmallEntries(MANY / 2 + 1);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    public void manyEntriesSurviveReopen() {
        appendManySmallEntries();
        storage.compactPrefix(snapshot(1000, manyTerm(1000)));

        syncCloseAndReopen();

        checkManySmallEntries(1001);
    }

    // ------------------------------------------------------------------ one writer, concurrent readers

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    public void concurrentReadersSeeConsistentDataWhileTheWriterAppendsAndCompacts() throws Exception {
        int readers = 2;
        AtomicBoolean writerDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                long seed = 7_000 + r;
                results.add(pool.submit(() -> ConcurrentLogWorkload.readUntilDone(storage, writerDone, seed)));
            }
            try {
                ConcurrentLogWorkload.writeAndCompact(storage);
            } finally {
                writerDone.set(true);
            }
            for (Future<Long> result : results) {
                try {
                    // The last read, made after the writer stopped, always finds data.
                    assertThat(result.get(2, TimeUnit.MINUTES)).as("reads that returned entries").isPositive();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error failedAssertion) {
                        throw failedAssertion;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // And after the writer stopped, the log is exactly what was written.
        long first = storage.firstIndex();
        assertThat(storage.entries(first, storage.lastIndex() + 1, NO_LIMIT))
                .allSatisfy(e -> assertThat(e).isEqualTo(ConcurrentLogWorkload.entryAt(e.getIndex())));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Syncs and closes {@link #storage}, reopens it through {@link #reopen(LogStorage)} and makes
     * the result the current storage; skips the calling test when the engine cannot reopen.
     */
    protected final LogStorage syncCloseAndReopen() {
        LogStorage closing = storage;
        closing.sync();
        closing.close();
        storage = null;
        LogStorage reopened = reopen(closing);
        assumeTrue(reopened != null, () -> getClass().getSimpleName()
                + " does not override reopen(LogStorage), so durability across a reopen is not checked");
        storage = reopened;
        return reopened;
    }

    private static long totalSize(List<Entry> entries) {
        return entries.stream().mapToLong(Entry::getSerializedSize).sum();
    }

    /** The byte-limit rule written the naive way, to compare against. */
    private static List<Entry> expectedEntries(List<Entry> log, long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = log.get((int) (i - 1));
            if (!out.isEmpty() && bytes + e.getSerializedSize() > maxBytes) {
                break;
            }
            bytes += e.getSerializedSize();
            out.add(e);
        }
        return out;
    }

    private static final int MIB = 1 << 20;

    /** Five 1 MiB entries around small ones. */
    private static List<Entry> largeEntries() {
        Random random = new Random(42);
        List<Entry> out = new ArrayList<>();
        out.add(entry(1, 1));
        for (long i = 2; i <= 6; i++) {
            byte[] data = new byte[MIB];
            random.nextBytes(data);
            out.add(Entry.newBuilder().setIndex(i).setTerm(1).setData(ByteString.copyFrom(data)).build());
        }
        out.add(entry(7, 1));
        return out;
    }

    private void checkLargeEntries(List<Entry> written) {
        assertThat(storage.lastIndex()).isEqualTo(7);
        assertThat(storage.entries(1, 8, NO_LIMIT)).containsExactlyElementsOf(written);
        assertThat(storage.entries(2, 8, 1)).containsExactly(written.get(1));
        assertThat(storage.entries(2, 8, MIB * 5L / 2)).containsExactly(written.get(1), written.get(2));
        assertThat(storage.entries(6, 8, MIB * 2L)).containsExactly(written.get(5), written.get(6));
    }

    private static final long MANY = 100_000;

    private static long manyTerm(long index) {
        return 1 + index / 10_000;
    }

    private static Entry manyEntry(long index) {
        return entry(index, manyTerm(index), 8 + (int) (index % 9));
    }

    private void appendManySmallEntries() {
        List<Entry> batch = new ArrayList<>(1000);
        for (long i = 1; i <= MANY; i++) {
            batch.add(manyEntry(i));
            if (batch.size() == 1000) {
                storage.append(batch);
                batch = new ArrayList<>(1000);
            }
        }
        assertThat(storage.lastIndex()).isEqualTo(MANY);
    }

    /** Reads the whole log in pages of at most 64 KiB and checks every entry and some terms. */
    private void checkManySmallEntries(long expectedFirst) {
        assertThat(storage.firstIndex()).isEqualTo(expectedFirst);
        assertThat(storage.lastIndex()).isEqualTo(MANY);
        long pageLimit = 64 * 1024;
        long next = expectedFirst;
        int pages = 0;
        while (next <= MANY) {
            List<Entry> page = storage.entries(next, MANY + 1, pageLimit);
            assertThat(page).as("page at %d", next).isNotEmpty();
            assertThat(totalSize(page)).as("page at %d", next).isLessThanOrEqualTo(pageLimit);
            if (next + page.size() <= MANY) {
                long withNext = totalSize(page) + manyEntry(next + page.size()).getSerializedSize();
                assertThat(withNext).as("page at %d stopped early", next).isGreaterThan(pageLimit);
            }
            for (Entry e : page) {
                assertThat(e).isEqualTo(manyEntry(next++));
            }
            pages++;
        }
        assertThat(pages).isGreaterThan(1);
        Random random = new Random(99);
        for (int k = 0; k < 1000; k++) {
            long i = expectedFirst + (long) (random.nextDouble() * (MANY - expectedFirst + 1));
            assertThat(storage.term(i)).as("term(%d)", i).isEqualTo(manyTerm(i));
        }
        assertThat(storage.term(expectedFirst - 1)).isEqualTo(expectedFirst == 1 ? 0 : manyTerm(expectedFirst - 1));
    }
}
