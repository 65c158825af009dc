package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.spi.kit.LogFixtures.entries;
import static org.understudy.raft.spi.kit.LogFixtures.entry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;

/**
 * What the Chronicle log does with damaged files on open: a torn tail is cut back to the last
 * whole record and logged, and the repair survives further reopens; damage before the tail, a
 * newer format, and someone else's directory are refused with a typed error.
 */
class ChronicleLogRecoveryTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    @TempDir
    Path root;

    private Path dir;
    private ChronicleLogStorage log;
    private LogCapture warnings;

    @BeforeEach
    void setUp() {
        dir = root.resolve("log");
        warnings = new LogCapture(ChronicleLogStorage.class);
    }

    @AfterEach
    void tearDown() {
        if (log != null) {
            log.close();
        }
        warnings.close();
    }

    private ChronicleLogStorage open() {
        return open(ChronicleLogStorageTest.SMALL_SEGMENTS);
    }

    private ChronicleLogStorage open(ChronicleLogSettings settings) {
        log = new ChronicleLogStorage(StorageOptions.of(dir, "test-cluster", 1), settings);
        return log;
    }

    private void syncAndClose() {
        log.sync();
        log.close();
        log = null;
    }

    /** Ten entries of term 1, the last record being entry 10. */
    private void writeTenEntries() {
        open();
        log.setHardState(HardState.newBuilder().setTerm(1).setVote(1).setCommit(3).build());
        log.append(entries(1, 10, 1));
        syncAndClose();
    }

    @Test
    void garbageInTheLastRecordDropsOnlyThatRecordLogsItAndTheRepairSurvivesReopens() {
        writeTenEntries();
        QueueRecords.Located last = QueueRecords.entry(dir, 10);
        QueueRecords.overwrite(last, LogRecord.HEADER_BYTES, 6, (byte) 0x5a);

        checkTailOfNineIsRepaired(last);
    }

    @Test
    void aFileCutInTheMiddleOfTheLastRecordDropsOnlyThatRecord() {
        writeTenEntries();
        QueueRecords.Located last = QueueRecords.entry(dir, 10);
        QueueRecords.cutInTheMiddle(last);

        checkTailOfNineIsRepaired(last);
    }

    @Test
    void zerosOverTheLastRecordsBodyDropOnlyThatRecord() {
        writeTenEntries();
        QueueRecords.Located last = QueueRecords.entry(dir, 10);
        QueueRecords.overwrite(last, 0, last.length(), (byte) 0);

        checkTailOfNineIsRepaired(last);
    }

    private void checkTailOfNineIsRepaired(QueueRecords.Located damaged) {
        open();
        assertThat(log.lastIndex()).as("only the damaged last entry is gone").isEqualTo(9);
        assertThat(log.entries(1, 10, NO_LIMIT)).containsExactlyElementsOf(entries(1, 9, 1));
        assertThat(log.hardState().getCommit()).isEqualTo(3);
        assertThat(warnings.warnings()).singleElement().asString()
                .contains("dropping 1 damaged record")
                .contains(damaged.file().getFileName().toString())
                .contains("byte " + damaged.position());

        // Appending continues, in a fresh segment, and survives more reopens without new warnings.
        int damagedSegment = log.currentSegment();
        log.append(entries(10, 12, 2));
        assertThat(log.currentSegment()).isGreaterThan(damagedSegment);
        syncAndClose();
        warnings.clear();
        List<Entry> expected = new ArrayList<>(entries(1, 9, 1));
        expected.addAll(entries(10, 12, 2));
        for (int reopen = 0; reopen < 2; reopen++) {
            open();
            assertThat(log.lastIndex()).isEqualTo(12 + reopen);
            assertThat(log.entries(1, 13 + reopen, NO_LIMIT)).containsExactlyElementsOf(expected);
            assertThat(warnings.warnings()).as("the repair is remembered").isEmpty();
            log.append(List.of(entry(13 + reopen, 2)));
            expected.add(entry(13 + reopen, 2));
            syncAndClose();
        }
    }

    @Test
    void severalDamagedRecordsAtTheTailAreAllDropped() {
        writeTenEntries();
        QueueRecords.overwrite(QueueRecords.entry(dir, 9), LogRecord.HEADER_BYTES, 3, (byte) 0x11);
        QueueRecords.overwrite(QueueRecords.entry(dir, 10), 2, 8, (byte) 0x22);

        open();
        assertThat(log.lastIndex()).isEqualTo(8);
        // Entries 1..10 were one run (one document): its intact head is kept, the rest is the torn tail.
        assertThat(warnings.warnings()).singleElement().asString()
                .contains("dropping 1 damaged record").contains("after 8 intact records").contains("continues after index 8");
        log.append(entries(9, 9, 3));
        syncAndClose();
        open();
        assertThat(log.entries(8, 10, NO_LIMIT)).containsExactly(entry(8, 1), entry(9, 3));
    }

    @Test
    void aDamagedHardStateAtTheTailFallsBackToThePreviousOne() {
        writeTenEntries();
        open();
        log.setHardState(HardState.newBuilder().setTerm(2).setCommit(9).build());
        syncAndClose();
        QueueRecords.overwrite(QueueRecords.last(dir, RecordType.HARD_STATE), LogRecord.HEADER_BYTES, 1, (byte) 0x7f);

        open();
        assertThat(log.hardState()).isEqualTo(HardState.newBuilder().setTerm(1).setVote(1).setCommit(3).build());
        assertThat(log.lastIndex()).isEqualTo(10);
    }

    @Test
    void damageBeforeTheTailIsACorruptStartupErrorNamingFileAndPosition() {
        writeTenEntries();
        QueueRecords.Located fifth = QueueRecords.entry(dir, 5);
        QueueRecords.overwrite(fifth, LogRecord.HEADER_BYTES + 1, 2, (byte) 0x33);

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining(fifth.file().toString())
                .hasMessageContaining("byte " + fifth.position())
                .hasMessageContaining("CRC32C")
                .hasMessageContaining("followed by valid records");
        log = null;
        // Refusing it released the directory: a fixed copy could be opened.
        assertThat(warnings.warnings()).isEmpty();
    }

    @Test
    void damageBeforeARepairedTailIsStillDetected() {
        writeTenEntries();
        QueueRecords.overwrite(QueueRecords.entry(dir, 10), LogRecord.HEADER_BYTES, 4, (byte) 0x44);
        open();
        log.append(entries(10, 11, 2));
        syncAndClose();

        QueueRecords.overwrite(QueueRecords.entry(dir, 3), LogRecord.HEADER_BYTES, 4, (byte) 0x44);
        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT));
        log = null;
    }

    @Test
    void anEntryThatLeavesAGapIsCorruptEvenWithAValidChecksum() {
        writeTenEntries();
        appendRaw(new LogRecord(64).entry(entry(20, 1)));

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("entry 20 does not fit");
        log = null;
    }

    @Test
    void aNewerFormatInTheDataIsRefused() {
        writeTenEntries();
        appendRaw(new LogRecord(64).segmentStart(99, SnapshotMetadata.getDefaultInstance(), HardState.getDefaultInstance(), 10));

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_FORMAT))
                .hasMessageContaining("version 99");
        log = null;
    }

    @Test
    void anotherClusterOrNodeIsRefusedAndASecondOpenIsLocked() {
        writeTenEntries();

        assertThatThrownBy(() -> new ChronicleLogStorage(StorageOptions.of(dir, "other-cluster", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
        assertThatThrownBy(() -> new ChronicleLogStorage(StorageOptions.of(dir, "test-cluster", 2)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));

        open();
        assertThatThrownBy(() -> new ChronicleLogStorage(StorageOptions.of(dir, "test-cluster", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCKED));
        assertThat(log.lastIndex()).as("the refused opens did not disturb the open log").isEqualTo(10);
    }

    @Test
    void afterAFailedWriteEveryCallIsRefused() {
        writeTenEntries();
        QueueRecords.overwrite(QueueRecords.entry(dir, 10), LogRecord.HEADER_BYTES, 4, (byte) 0x55);
        // After the repair the next write starts a segment, which needs 1 TiB free: it fails.
        open(new ChronicleLogSettings(1L << 40));

        assertThatThrownBy(() -> log.append(entries(10, 10, 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.DISK_FULL));
        assertThatThrownBy(() -> log.lastIndex())
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FAILED));
        assertThatThrownBy(() -> log.sync())
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FAILED));
        assertThatThrownBy(() -> log.entries(1, 2, NO_LIMIT))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FAILED));
    }

    @Test
    void anEntryTooLargeForTheFormatIsRejectedAndChangesNothing() {
        open();
        log.append(entries(1, 2, 1));
        Entry huge = Entry.newBuilder().setIndex(3).setTerm(1)
                .setData(com.google.protobuf.ByteString.copyFrom(new byte[ChronicleLogStorage.MAX_ENTRY_DATA_BYTES + 1])).build();

        assertThatThrownBy(() -> log.append(List.of(entry(3, 1), huge.toBuilder().setIndex(4).build())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(log.lastIndex()).isEqualTo(2);
        syncAndClose();
        open();
        assertThat(log.lastIndex()).isEqualTo(2);
    }

    /** Appends a record to the closed log's queue behind its back. */
    private void appendRaw(LogRecord record) {
        int lastSegment = QueueRecords.list(dir).stream().mapToInt(r -> LogQueue.cycleOf(r.queueIndex())).max().orElse(0);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(LogQueue.ROLL_CYCLE).epoch(0)
                .timeProvider(new SegmentClock(LogQueue.ROLL_CYCLE, lastSegment)).build();
                ExcerptAppender appender = queue.createAppender();
                DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(record.bytes(), 0, record.length());
        }
    }
}
