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
    void aBadRecordBeforeTheTailIsAStartupErrorNamingItsKey() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 10, 1));
        storage.append(entries(11, 15, 1));
        Path dir = syncAndClose();

        RawLogFiles.edit(dir, db -> {
            byte[] record = RawLogFiles.runs(db).get(6L);
            record[record.length / 2] ^= 0x40;
            RawLogFiles.runs(db).put(6L, record);
        });

        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("run 6")
                .hasMessageContaining(dir.resolve(LogFiles.MAIN).toString())
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
        RawLogFiles.edit(dir, db -> {
            byte[] record = RawLogFiles.runs(db).get(6L);
            record[record.length - 1] ^= 0x01; // the checksum itself
            RawLogFiles.runs(db).put(6L, record);
        });

        List<ILoggingEvent> warnings = captureWarnings(() -> storage = open(options(dir)));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.entries(1, 6, NO_LIMIT)).containsExactlyElementsOf(entries(1, 5, 1));
        assertThat(storage.hardState().getCommit()).isEqualTo(5);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getFormattedMessage())
                .contains("run 6", "entries from 6 on", "fails its CRC32C checksum", "keeping entries up to 5"));

        storage.append(List.of(entry(6, 3)));
        syncAndClose();
        storage = open(options(dir));
        assertThat(storage.entries(1, 7, NO_LIMIT)).as("the cut was committed; the log goes on after it")
                .endsWith(entry(6, 3)).hasSize(6);
    }

    @Test
    void aLastRecordThatDoesNotParseIsCutOffToo() {
        storage.append(entries(1, 5, 1));
        storage.append(entries(6, 6, 1));
        Path dir = syncAndClose();
        RawLogFiles.edit(dir, db -> RawLogFiles.runs(db).put(6L, new byte[] {1, 2, 3}));

        List<ILoggingEvent> warnings = captureWarnings(() -> storage = open(options(dir)));

        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getFormattedMessage()).contains("too short"));
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
        for (String name : List.of(LogFiles.MAIN, LogFiles.JOURNAL)) {
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

    /** Garbage inside a record found by its bytes: in the middle of the log it is refused, at its end cut off. */
    @Test
    void garbageInsideARecordIsFoundByItsChecksum() throws Exception {
        List<Entry> written = hundredBatches();
        Path dir = syncAndClose();
        Path main = dir.resolve(LogFiles.MAIN);
        byte[] original = Files.readAllBytes(main);

        long middle = indexOf(original, RunCodec.encode(Run.of(written.subList(1100, 1200))));
        RawLogFiles.garble(main, middle + 2000, 16, 7);
        assertThatThrownBy(() -> new MapDbLogStorage(options(dir)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("run 1101")
                .hasMessageContaining(main.toString());

        Files.write(main, original);
        long last = indexOf(original, RunCodec.encode(Run.of(written.subList(2900, 3000))));
        RawLogFiles.garble(main, last + 2000, 16, 8);
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

    private static long indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("record not found in the file");
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
