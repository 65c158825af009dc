package org.understudy.raft.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.spi.kit.LogFixtures.entries;
import static org.understudy.raft.spi.kit.LogFixtures.entry;
import static org.understudy.raft.spi.kit.LogFixtures.snapshot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.spi.kit.LogStorageConformanceKit;

/**
 * The whole {@link LogStorageConformanceKit} against MapDB, plus what is particular to it: the
 * directory's identity and lock, damaged records (in the middle: refused; at the end: cut off),
 * damaged files, the format version and a suffix overwritten under concurrent readers.
 */
class MapDbLogStorageTest extends LogStorageConformanceKit {

    private static final String CLUSTER = "test-cluster";

    @TempDir
    Path root;

    private final Map<LogStorage, StorageOptions> opened = new IdentityHashMap<>();
    private int dirs;

    @Override
    protected LogStorage newStorage() {
        return open(StorageOptions.of(root.resolve("log-" + dirs++), CLUSTER, 1));
    }

    @Override
    protected LogStorage reopen(LogStorage closed) {
        return open(opened.get(closed));
    }

    private LogStorage open(StorageOptions options) {
        MapDbLogStorage s = new MapDbLogStorage(options);
        opened.put(s, options);
        return s;
    }

    private LogStorage open(StorageOptions options, long segmentBytes) {
        MapDbLogStorage s = new MapDbLogStorage(options, segmentBytes);
        opened.put(s, options);
        return s;
    }

    /** Syncs and closes {@link #storage}; returns its directory. */
    private Path syncAndClose() {
        Path dir = opened.get(storage).dataDir();
        storage.sync();
        storage.close();
        storage = null;
        return dir;
    }

    private static StorageOptions options(Path dir) {
        return StorageOptions.of(dir, CLUSTER, 1);
    }

    // ------------------------------------------------------------------ identity and lock

    @Test
    void aDirectoryOfAnotherClusterOrNodeIsRefused() {
        Path dir = syncAndClose();

        assertThatThrownBy(() -> new MapDbLogStorage(StorageOptions.of(dir, "other-cluster", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
        assertThatThrownBy(() -> new MapDbLogStorage(StorageOptions.of(dir, CLUSTER, 2)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
        storage = open(options(dir)); // and the right one still opens it
        assertThat(storage.lastIndex()).isZero();
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsLocked() {
        Path dir = opened.get(storage).dataDir();

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCKED));

        storage.append(entries(1, 3, 1));
        storage.sync();
        assertThat(storage.entries(1, 4, NO_LIMIT)).as("the refused open did not disturb the first")
                .containsExactlyElementsOf(entries(1, 3, 1));
    }

    @Test
    void aSnapshotDirectoryIsNotALogDirectory() {
        Path dir = root.resolve("snaps");
        new MapDbSnapshotStore(options(dir)).close();

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
    }

    @Test
    void aLogWhoseFileWasDeletedIsNotStartedEmpty() throws Exception {
        storage.append(entries(1, 3, 1));
        storage.setHardState(HardState.newBuilder().setTerm(1).setVote(1).build());
        Path dir = syncAndClose();
        Files.delete(dir.resolve(LogFiles.MAIN));
        Files.delete(dir.resolve(LogFiles.JOURNAL));

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining(LogFiles.MAIN);
    }

    // ------------------------------------------------------------------ damaged records

    @Test
    void aBadRecordBeforeTheTailIsAStartupErrorNamingItsFileAndOffset() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 10, 1));
        storage.append(entries(11, 15, 1));
        Path dir = syncAndClose();
        RunPointer six = RawLogFiles.pointers(dir).get(6L);
        Path segment = LogFiles.segment(dir, six.segment());
        RawLogFiles.flip(segment, RawLogFiles.offsetInsideEntry(dir, 6, six, 8), 0x40);

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("run 6")
                .hasMessageContaining("entry 8")
                .hasMessageContaining("at byte " + six.offset() + " of " + segment)
                .hasMessageContaining("checksum");
    }

    @Test
    void aGapBetweenRecordsIsAStartupError() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 10, 1));
        storage.append(entries(11, 15, 1));
        Path dir = syncAndClose();

        RawLogFiles.edit(dir, db -> RawLogFiles.runs(db).remove(6L));

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("entries 6..10 are missing");
    }

    @Test
    void aBadLastRecordIsCutOffCommittedAndLogged() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 10, 2));
        storage.setHardState(HardState.newBuilder().setTerm(2).setVote(1).setCommit(5).build());
        Path dir = syncAndClose();
        RunPointer six = RawLogFiles.pointers(dir).get(6L);
        Path segment = LogFiles.segment(dir, six.segment());
        RawLogFiles.flip(segment, six.end() - 1, 0x01); // the checksum of its last entry

        List<ILoggingEvent> warnings = captureWarnings(() -> storage = open(options(dir)));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.entries(1, 6, NO_LIMIT)).containsExactlyElementsOf(entries(1, 5, 1));
        assertThat(storage.hardState().getCommit()).isEqualTo(5);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getFormattedMessage())
                .contains("run 6", "entries from 6 on", "entry 10", "failing its CRC32C checksum", "keeping entries up to 5",
                        segment.toString()));

        storage.append(List.of(entry(6, 3)));
        syncAndClose();
        assertThat(Files.exists(segment) ? sizeOf(segment) : 0).as("the bad record's bytes were cut off and overwritten")
                .isLessThan(six.end());
        storage = open(options(dir));
        assertThat(storage.entries(1, 7, NO_LIMIT)).as("the cut was committed; the log goes on after it")
                .endsWith(entry(6, 3)).hasSize(6);
    }

    /** A crash while the segment was written (the file system kept half the record): the record is cut. */
    @Test
    void aTornLastRecordInTheSegmentIsCutBack() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 10, 1));
        Path dir = syncAndClose();
        RunPointer six = RawLogFiles.pointers(dir).get(6L);
        Path segment = LogFiles.segment(dir, six.segment());
        RawLogFiles.truncate(segment, six.offset() + six.length() / 2);

        List<ILoggingEvent> warnings = captureWarnings(() -> storage = open(options(dir)));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getFormattedMessage()).contains("run 6", "cut short"));
        assertThat(sizeOf(segment)).as("the torn bytes are cut off").isEqualTo(six.offset());
        storage.append(entries(6, 8, 2));
        syncAndClose();
        storage = open(options(dir));
        assertThat(storage.entries(1, 9, NO_LIMIT)).endsWith(entries(6, 8, 2).toArray(new Entry[0])).hasSize(8);
    }

    /** Garbage after the last record (junk, or unsynced appends of a crashed process) is cut off on open. */
    @Test
    void garbageOverTheSegmentTailIsCutOff() {
        storage.append(entries(1, 5, 1));
        Path dir = syncAndClose();
        RunPointer one = RawLogFiles.pointers(dir).get(1L);
        Path segment = LogFiles.segment(dir, one.segment());
        assertThat(sizeOf(segment)).isEqualTo(one.end());
        RawLogFiles.garble(segment, one.end(), 3000, 11);

        storage = open(options(dir));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(sizeOf(segment)).isEqualTo(one.end());
        storage.append(entries(6, 7, 2));
        syncAndClose();
        storage = open(options(dir));
        assertThat(storage.entries(1, 8, NO_LIMIT)).hasSize(7).endsWith(entry(6, 2), entry(7, 2));
    }

    /**
     * A sync of plain appends forces only the segment; after a crash, opening adopts those
     * records, in order, and cuts a torn one at the end. (The kill -9 test covers real crashes.)
     */
    @Test
    void appendsSyncedWithoutACommitAreRecoveredAfterACrash() {
        MapDbLogStorage log = openSmall("crashed", 4096, 0);
        Path dir = root.resolve("crashed");
        log.setHardState(HardState.newBuilder().setTerm(1).build());
        log.append(entries(1, 5, 1));
        log.sync(); // commits: the hard state needs it
        List<Entry> synced = new ArrayList<>(entries(1, 5, 1));
        for (long i = 6; i <= 200; i += 15) {
            log.append(entries(i, i + 14, 1)); // rolls segments on the way
            log.sync();
            synced.addAll(entries(i, i + 14, 1));
        }
        log.append(entries(201, 203, 1)); // unsynced, but in the file
        log.abandonForTests();
        TreeMap<Long, Path> files = RawLogFiles.segments(dir);
        assertThat(files).hasSizeGreaterThan(1);
        Path last = files.lastEntry().getValue();
        RawLogFiles.truncate(last, sizeOf(last) - 7); // tear the unsynced record

        List<ILoggingEvent> warnings = captureWarnings(() -> storage = open(options(dir)));

        assertThat(warnings).isEmpty();
        assertThat(storage.lastIndex()).isEqualTo(200);
        assertThat(storage.entries(1, 201, NO_LIMIT)).containsExactlyElementsOf(synced);
        assertThat(storage.hardState().getTerm()).isEqualTo(1);
        storage.append(entries(201, 210, 2));
        syncAndClose();
        storage = open(options(dir));
        assertThat(storage.lastIndex()).isEqualTo(210);
        assertThat(storage.entries(195, 211, NO_LIMIT)).endsWith(entries(201, 210, 2).toArray(new Entry[0]));
    }

    /**
     * A sync after a truncation commits, so the records it removed (synced earlier without a
     * commit) are not adopted again after a crash.
     */
    @Test
    void aTruncationSyncedBeforeACrashStays() {
        MapDbLogStorage log = openSmall("truncated", 4096, 0);
        Path dir = root.resolve("truncated");
        log.append(entries(1, 30, 1));
        log.sync();
        log.append(entries(31, 50, 1));
        log.sync();
        log.truncateSuffix(31); // at a run boundary: writes no record
        log.sync();
        log.append(entries(31, 33, 2));
        log.sync(); // plain append again: no commit
        log.abandonForTests();

        storage = open(options(dir));

        assertThat(storage.lastIndex()).isEqualTo(33);
        assertThat(storage.entries(29, 34, NO_LIMIT)).containsExactly(entry(29, 1), entry(30, 1), entry(31, 2), entry(32, 2),
                entry(33, 2));
    }

    @Test
    void aMissingSegmentIsAClearStartupError() throws Exception {
        storage.close();
        Path dir = root.resolve("rolled");
        storage = open(new StorageOptions(dir, CLUSTER, 1, StorageOptions.DEFAULT_ENTRY_CACHE_BYTES), 4096);
        for (long i = 1; i <= 400; i += 20) {
            storage.append(entries(i, i + 19, 1));
        }
        syncAndClose();
        TreeMap<Long, Path> files = RawLogFiles.segments(dir);
        assertThat(files).hasSizeGreaterThan(3);
        Path lost = files.get(files.firstKey() + 1);
        Files.delete(lost);

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining(lost.toString())
                .hasMessageContaining("is missing");
    }

    @Test
    void formatVersionTwoIsRefused() throws Exception {
        Path dir = syncAndClose();
        Path identity = dir.resolve(org.understudy.raft.storage.DataDirectory.IDENTITY_FILE);
        String text = Files.readString(identity);
        assertThat(text).contains("format=" + MapDbLogStorage.FORMAT_VERSION);
        // as a build of format 2 wrote it: the identity's body, then its CRC32C in hex
        String body = text.substring(0, text.lastIndexOf("crc32c="))
                .replace("format=" + MapDbLogStorage.FORMAT_VERSION, "format=2");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(identity, body + "crc32c=" + String.format("%08x", crc.getValue()) + "\n");

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_FORMAT))
                .hasMessageContaining("format version 2");
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        Path dir = syncAndClose();
        RawLogFiles.edit(dir, db -> RawLogFiles.meta(db).put(MapDbLogStorage.KEY_FORMAT,
                Crc.seal(0, ByteBuffer.allocate(4).putInt(99).array())));

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_FORMAT))
                .hasMessageContaining("format version 99");
    }

    // ------------------------------------------------------------------ damaged files

    /** Cuts the MapDB file at several lengths: always a clear error naming the file, never an empty log. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aMainFileCutShortIsAClearError() throws Exception {
        storage.append(entries(1, 2000, 1));
        Path dir = syncAndClose();
        Path main = dir.resolve(LogFiles.MAIN);
        byte[] whole = Files.readAllBytes(main);
        for (long length : new long[] {0, 100, 4096, whole.length / 2, whole.length - JournaledMapDb.SLICE_BYTES / 2,
                whole.length - 1}) {
            Files.write(main, whole);
            RawLogFiles.truncate(main, length);

            assertThatThrownBy(() -> new MapDbLogStorage(options(dir)).close())
                    .as("cut at %d of %d bytes", length, whole.length)
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                    .hasMessageContaining(main.toString())
                    .hasMessageContaining("cut short");
        }
    }

    @Test
    void aJournalCutShortIsAClearErrorOrHarmless() throws Exception {
        List<Entry> written = entries(1, 300, 1);
        storage.append(written);
        Path dir = syncAndClose();
        Path journal = dir.resolve(LogFiles.JOURNAL);
        byte[] whole = Files.readAllBytes(journal);
        for (long length : new long[] {0, 10, 300, 600, RedoJournal.HEADER_BYTES, whole.length - 1}) {
            Files.write(journal, whole);
            RawLogFiles.truncate(journal, length);
            if (!sameLogOrClearError(dir, written, "journal cut at " + length)) {
                assertThat(length).as("only a journal without any valid header is refused").isLessThan(28);
            }
        }
    }

    /**
     * Garbage over the end of each file and over seeded spots of the MapDB file's used part: the
     * log opens with exactly what was written (or, when the last record was hit, cut back before
     * it), or fails with a clear error; never other data, a raw MapDB exception or a hang.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void garbageInAFileNeverGivesADifferentLog() throws Exception {
        List<Entry> written = hundredBatches();
        Path dir = syncAndClose();
        for (String name : List.of(LogFiles.MAIN, LogFiles.JOURNAL, LogFiles.segmentName(1))) {
            Path file = dir.resolve(name);
            byte[] original = Files.readAllBytes(file);
            int used = usedLength(original);
            Random random = new Random(name.hashCode());
            for (int round = 0; round < 16; round++) {
                long seed = 31L * round + name.hashCode();
                int size = 16 << random.nextInt(8);
                long at = round < 4 ? Math.max(0, original.length - size) : random.nextInt(used);
                RawLogFiles.garble(file, at, (int) Math.min(size, original.length - at), seed);
                sameLogOrClearError(dir, written, name + " garbled at " + at + " (" + size + " bytes, seed " + seed + ")");
                Files.write(file, original);
            }
        }
    }

    /** Garbage inside a record found through its pointer: in the middle of the log it is refused, at its end cut off. */
    @Test
    void garbageInsideARecordIsFoundByItsChecksum() throws Exception {
        List<Entry> written = hundredBatches();
        Path dir = syncAndClose();
        TreeMap<Long, RunPointer> pointers = RawLogFiles.pointers(dir);
        Path segment = LogFiles.segment(dir, pointers.get(1101L).segment());
        byte[] original = Files.readAllBytes(segment);

        RunPointer middle = pointers.get(1101L);
        RawLogFiles.garble(segment, middle.offset() + 2000, 16, 7);
        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("run 1101")
                .hasMessageContaining("at byte " + middle.offset() + " of " + segment);

        Files.write(segment, original);
        RunPointer last = pointers.get(2901L);
        RawLogFiles.garble(segment, last.offset() + 2000, 16, 8);
        storage = open(options(dir));
        assertThat(storage.lastIndex()).isEqualTo(2900);
        assertThat(storage.entries(2801, 2901, NO_LIMIT)).containsExactlyElementsOf(written.subList(2800, 2900));
    }

    /** 3000 entries in 30 appends of 100, and a hard state; not yet synced. */
    private List<Entry> hundredBatches() {
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= 3000; i += 100) {
            List<Entry> batch = new ArrayList<>();
            for (long k = i; k < i + 100; k++) {
                batch.add(entry(k, 1, 40));
            }
            storage.append(batch);
            written.addAll(batch);
        }
        storage.setHardState(HardState.newBuilder().setTerm(1).setCommit(3000).build());
        return written;
    }

    /** Up to the last non-zero byte: the part of a preallocated file that MapDB has used. */
    private static int usedLength(byte[] file) {
        int end = file.length;
        while (end > 1 && file[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Opens the log in {@code dir}: true if it holds exactly {@code written} (or {@code written}
     * cut back before its last run of 100, the torn-tail repair); false for a clear error.
     */
    private static boolean sameLogOrClearError(Path dir, List<Entry> written, String what) {
        LogStorage log;
        try {
            log = new MapDbLogStorage(options(dir));
        } catch (StorageException e) {
            assertThat(e.kind()).as("%s: %s", what, e).isIn(Kind.CORRUPT, Kind.IO);
            assertThat(e.getMessage()).as(what).contains(dir.toString());
            return false;
        }
        try {
            long last = log.lastIndex();
            long full = written.get(written.size() - 1).getIndex();
            assertThat(last).as(what).isIn(full, full - 100);
            try {
                assertThat(log.entries(1, last + 1, NO_LIMIT)).as(what)
                        .containsExactlyElementsOf(written.subList(0, (int) last));
            } catch (StorageException e) {
                assertThat(e.kind()).as("%s: %s", what, e).isEqualTo(Kind.CORRUPT); // found when read: still clear
                return false;
            }
            return true;
        } finally {
            log.close();
        }
    }

    @Test
    void unsyncedWritesAreDroppedByCloseAndTheLogReopens() {
        storage.append(entries(1, 5, 1));
        storage.sync();
        storage.append(entries(6, 9, 1));
        storage.truncateSuffix(3);
        storage.setHardState(HardState.newBuilder().setTerm(7).build());
        Path dir = opened.get(storage).dataDir();
        storage.close();

        storage = open(options(dir));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.entries(1, 6, NO_LIMIT)).containsExactlyElementsOf(entries(1, 5, 1));
        assertThat(storage.hardState()).isEqualTo(HardState.getDefaultInstance());
    }

    // ------------------------------------------------------------------ runs and the cache

    @Test
    void compactionAndTruncationTrimTheRunsTheyCut() {
        storage.append(entries(1, 100, 1));
        storage.compactPrefix(snapshot(40, 1));
        storage.truncateSuffix(61);
        Path dir = syncAndClose();

        RawLogFiles.edit(dir, db -> assertThat(RawLogFiles.runs(db).keySet()).containsExactly(41L));
        storage = open(options(dir));
        assertThat(storage.firstIndex()).isEqualTo(41);
        assertThat(storage.lastIndex()).isEqualTo(60);
        assertThat(storage.entries(41, 61, NO_LIMIT)).containsExactlyElementsOf(entries(41, 60, 1));
    }

    @Test
    void aLargeAppendIsSplitIntoBoundedRuns() {
        List<Entry> many = new ArrayList<>();
        for (long i = 1; i <= 3 * MapDbLogStorage.RUN_MAX_ENTRIES + 5; i++) {
            many.add(entry(i, 1, 8));
        }
        storage.append(many);
        Path dir = syncAndClose();

        RawLogFiles.edit(dir, db -> assertThat(RawLogFiles.runs(db).keySet()).hasSize(4));
        storage = open(options(dir));
        assertThat(storage.entries(1, many.size() + 1L, NO_LIMIT)).containsExactlyElementsOf(many);
    }

    @Test
    void theEntryCacheStaysWithinItsBudget() {
        long budget = 64 * 1024;
        storage.close();
        storage = open(new StorageOptions(root.resolve("small-cache"), CLUSTER, 1, budget));
        for (long i = 1; i <= 2000; i += 50) {
            List<Entry> batch = new ArrayList<>();
            for (long k = i; k < i + 50; k++) {
                batch.add(entry(k, 1, 200));
            }
            storage.append(batch);
            storage.sync();
            assertThat(((MapDbLogStorage) storage).cacheForTests().bytes()).isLessThanOrEqualTo(budget);
        }
        for (long i = 1; i <= 2000; i += 7) {
            assertThat(storage.term(i)).isEqualTo(1);
            assertThat(((MapDbLogStorage) storage).cacheForTests().bytes()).isLessThanOrEqualTo(budget);
        }
        storage.close();
        storage = open(new StorageOptions(root.resolve("small-cache"), CLUSTER, 1, 0));
        assertThat(storage.entries(1950, 2001, NO_LIMIT)).hasSize(51);
        assertThat(((MapDbLogStorage) storage).cacheForTests().bytes()).as("a zero budget caches nothing").isZero();
    }

    /** The kit's concurrency test never truncates; this one overwrites a suffix under readers. */
    @Test
    void aReadNeverMixesAnOldAndANewSuffix() throws Exception {
        storage.append(entries(1, 100, 1));
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    long checked = 0;
                    boolean last = false;
                    while (!last) {
                        last = done.get();
                        long hi = Math.min(101, storage.lastIndex() + 1);
                        List<Entry> got;
                        try {
                            got = storage.entries(40, hi, NO_LIMIT);
                        } catch (IndexOutOfBoundsException shrunkMeanwhile) {
                            continue;
                        }
                        Set<Long> suffixTerms = new HashSet<>();
                        for (Entry e : got) {
                            if (e.getIndex() >= 50) {
                                suffixTerms.add(e.getTerm());
                            }
                        }
                        assertThat(suffixTerms).as("terms of one read of [40, %d)", hi).hasSizeLessThanOrEqualTo(1);
                        checked++;
                    }
                    return checked;
                }));
            }
            try {
                for (long term = 2; term <= 200; term++) {
                    storage.append(entries(50, 100, term));
                    if (term % 20 == 0) {
                        storage.sync();
                    }
                }
            } finally {
                done.set(true);
            }
            for (Future<Long> reader : readers) {
                assertThat(reader.get(2, TimeUnit.MINUTES)).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(storage.entries(50, 101, NO_LIMIT)).containsExactlyElementsOf(entries(50, 100, 200));
    }

    // ------------------------------------------------------------------ value segments

    private MapDbLogStorage openSmall(String name, long segmentBytes, long cacheBytes) {
        if (storage != null) {
            storage.close();
        }
        MapDbLogStorage s = (MapDbLogStorage) open(new StorageOptions(root.resolve(name), CLUSTER, 1, cacheBytes), segmentBytes);
        storage = s;
        return s;
    }

    @Test
    void compactionDeletesSegmentsWhoseRunsAreAllCompactedAndNoOther() {
        MapDbLogStorage log = openSmall("compacted", 8192, 0);
        Path dir = root.resolve("compacted");
        for (long i = 1; i <= 1000; i += 25) {
            log.append(entries(i, i + 24, 1));
            log.sync();
        }
        TreeMap<Long, Path> before = RawLogFiles.segments(dir);
        assertThat(before).hasSizeGreaterThan(5);

        log.compactPrefix(snapshot(600, 1));
        assertThat(RawLogFiles.segments(dir)).as("nothing is deleted before the compaction is durable").isEqualTo(before);
        log.sync();

        TreeMap<Long, Path> after = RawLogFiles.segments(dir);
        assertThat(after.size()).as("segments holding only compacted runs are gone").isLessThan(before.size());
        for (long n : before.keySet()) {
            boolean referenced = log.segmentsForTests().liveCount(n) > 0;
            if (referenced) {
                assertThat(after).as("segment %d is still referenced", n).containsKey(n);
            }
        }
        assertThat(log.entries(601, 1001, NO_LIMIT)).containsExactlyElementsOf(entries(601, 1000, 1));
        syncAndClose();

        TreeMap<Long, RunPointer> pointers = RawLogFiles.pointers(dir);
        for (RunPointer p : pointers.values()) {
            assertThat(after).as("every pointer names a file that is there").containsKey(p.segment());
        }
        for (long n : after.keySet()) {
            boolean named = pointers.values().stream().anyMatch(p -> p.segment() == n);
            assertThat(named || n == after.lastKey()).as("segment %d is named by a pointer or is the active one", n).isTrue();
        }
        storage = open(options(dir));
        assertThat(storage.firstIndex()).isEqualTo(601);
        assertThat(storage.entries(601, 1001, NO_LIMIT)).containsExactlyElementsOf(entries(601, 1000, 1));

        storage.compactPrefix(snapshot(5000, 3)); // a snapshot from the leader, beyond the log
        storage.sync();
        assertThat(RawLogFiles.segments(dir)).as("only the active segment is left").hasSize(1);
    }

    /** Seeded appends, overwrites, truncations and compactions across many small segments; every reopen matches a model. */
    @Test
    void reopensAfterManyRollsHoldWhatWasSynced() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String why = "seed " + seed;
        System.out.println("reopensAfterManyRollsHoldWhatWasSynced: " + why);
        Path dir = root.resolve("rolls");
        MapDbLogStorage log = openSmall("rolls", 2048, random.nextBoolean() ? 0 : 16 << 10);
        List<Entry> model = new ArrayList<>(); // entries firstIndex.. in order
        long first = 1;
        long term = 1;
        for (int step = 0; step < 300; step++) {
            int op = random.nextInt(10);
            long last = first + model.size() - 1;
            if (op < 6 || model.isEmpty()) {
                long from = model.isEmpty() || random.nextInt(4) > 0 ? last + 1 : first + random.nextInt(model.size());
                term += from <= last ? 1 : 0;
                int n = 1 + random.nextInt(40);
                List<Entry> batch = new ArrayList<>();
                for (long i = from; i < from + n; i++) {
                    batch.add(entry(i, term, random.nextInt(120)));
                }
                log.append(batch);
                model.subList((int) (from - first), model.size()).clear();
                model.addAll(batch);
            } else if (op < 8) {
                long from = first + random.nextInt(model.size());
                log.truncateSuffix(from);
                model.subList((int) (from - first), model.size()).clear();
            } else {
                long to = first + random.nextInt(model.size());
                log.compactPrefix(snapshot(to, model.get((int) (to - first)).getTerm()));
                model.subList(0, (int) (to - first + 1)).clear();
                first = to + 1;
            }
            log.sync();
            if (step % 50 == 49) {
                log.close();
                log = (MapDbLogStorage) open(new StorageOptions(dir, CLUSTER, 1, 0), 2048);
                storage = log;
            }
            assertThat(log.firstIndex()).as(why).isEqualTo(first);
            assertThat(log.lastIndex()).as(why).isEqualTo(first + model.size() - 1);
            if (!model.isEmpty()) {
                assertThat(log.entries(first, first + model.size(), NO_LIMIT)).as(why).containsExactlyElementsOf(model);
            }
        }
        assertThat(log.segmentsForTests().active()).as("%s: the log rolled many times", why).isGreaterThan(10);
        assertThat(RawLogFiles.segments(dir).size()).as("%s: garbage segments are deleted", why)
                .isLessThan((int) log.segmentsForTests().active());
    }

    @Test
    void appendedButUnsyncedEntriesAreReadFromTheSegment() {
        MapDbLogStorage log = openSmall("unsynced", ValueSegments.DEFAULT_SEGMENT_BYTES, 0);
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= 600; i++) {
            written.add(entry(i, 1, 100));
        }
        log.append(written);
        assertThat(log.entries(1, 601, NO_LIMIT)).containsExactlyElementsOf(written);
        assertThat(log.term(300)).isEqualTo(1);
        log.truncateSuffix(290);
        log.append(entries(290, 300, 2));
        assertThat(log.entries(285, 301, NO_LIMIT)).endsWith(entries(290, 300, 2).toArray(new Entry[0])).hasSize(16);
        assertThat(log.entries(1, 290, NO_LIMIT)).containsExactlyElementsOf(written.subList(0, 289));
    }

    /**
     * One entry of a big run is read on its own: damage to another entry of the run does not
     * touch it, damage to it is {@code CORRUPT}. The file is damaged while the log is open, so
     * the read, not the open, finds it.
     */
    @Test
    void aSingleEntryReadChecksOnlyThatEntry() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String why = "seed " + seed;
        System.out.println("aSingleEntryReadChecksOnlyThatEntry: " + why);
        MapDbLogStorage log = openSmall("single", ValueSegments.DEFAULT_SEGMENT_BYTES, 0);
        Path dir = root.resolve("single");
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= MapDbLogStorage.RUN_MAX_ENTRIES; i++) {
            written.add(entry(i, 1, 64));
        }
        log.append(written);
        log.sync();
        long k = 1 + random.nextInt(MapDbLogStorage.RUN_MAX_ENTRIES);
        long other = k == 1 ? 2 : k - 1 - random.nextInt((int) k - 1);
        RunPointer p = new RunPointer(1, 0, (int) sizeOf(LogFiles.segment(dir, 1)), MapDbLogStorage.RUN_MAX_ENTRIES);
        Path segment = LogFiles.segment(dir, 1);

        RawLogFiles.flip(segment, RawLogFiles.offsetInsideEntry(dir, 1, p, other), 0x10);
        assertThat(log.entries(k, k + 1, NO_LIMIT)).as(why).containsExactly(written.get((int) k - 1));
        assertThat(log.term(k)).as(why).isEqualTo(1);
        assertThatThrownBy(() -> log.entries(other, other + 1, NO_LIMIT)).as(why)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("entry " + other)
                .hasMessageContaining(segment.toString());

        RawLogFiles.flip(segment, RawLogFiles.offsetInsideEntry(dir, 1, p, k), 0x10);
        assertThatThrownBy(() -> log.entries(k, k + 1, NO_LIMIT)).as(why)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("entry " + k);
    }

    // ------------------------------------------------------------------ helpers

    private static List<ILoggingEvent> captureWarnings(Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(MapDbLogStorage.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }
}
