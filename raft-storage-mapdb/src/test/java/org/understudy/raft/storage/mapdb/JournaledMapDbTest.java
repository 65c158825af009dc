package org.understudy.raft.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.slf4j.LoggerFactory;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * The redo journal under MapDB. A crash is simulated by closing without a checkpoint and then
 * putting back the main file as it was at the last checkpoint: what a power loss leaves when the
 * copied pages had not reached the disk, and the worst a kill -9 in the middle of a copy leaves.
 */
class JournaledMapDbTest {

    @TempDir
    Path dir;

    private Path main;
    private Path journal;

    @BeforeEach
    void paths() {
        main = dir.resolve("test.mapdb");
        journal = dir.resolve("test.journal");
    }

    private static BTreeMap<Long, byte[]> map(DB db) {
        return db.treeMap("m", Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().createOrOpen();
    }

    private static byte[] value(long key) {
        byte[] v = new byte[100 + (int) (key % 50)];
        java.util.Arrays.fill(v, (byte) key);
        return v;
    }

    /** An empty, checkpointed database; returns the main file's bytes. */
    private byte[] emptyCheckpointedBase() throws Exception {
        JournaledMapDb db = JournaledMapDb.create(main, journal);
        map(db.db());
        db.commit();
        db.close(true);
        return Files.readAllBytes(main);
    }

    private void commitValues(JournaledMapDb db, long from, long to) {
        BTreeMap<Long, byte[]> m = map(db.db());
        for (long k = from; k <= to; k++) {
            m.put(k, value(k));
        }
        db.commit();
    }

    private void assertValues(long from, long to, long expectedSize) {
        JournaledMapDb db = JournaledMapDb.open(main, journal);
        try {
            BTreeMap<Long, byte[]> m = map(db.db());
            assertThat((long) m.size()).isEqualTo(expectedSize);
            for (long k = from; k <= to; k++) {
                assertThat(m.get(k)).as("key %d", k).isEqualTo(value(k));
            }
        } finally {
            db.close(true);
        }
    }

    @Test
    void committedBatchesAreReplayedIntoAMainFileThatLostThem() throws Exception {
        byte[] base = emptyCheckpointedBase();
        JournaledMapDb db = JournaledMapDb.open(main, journal);
        commitValues(db, 1, 100);
        commitValues(db, 101, 150);
        db.close(false);

        Files.write(main, base);

        assertValues(1, 150, 150);
        assertValues(1, 150, 150); // the replay was checkpointed; opening again changes nothing
    }

    /** A power failure can lose the main file's (sparse) growth since the last checkpoint; the replay restores it. */
    @Test
    void growthLostSinceTheLastCheckpointIsRestoredByTheReplay() throws Exception {
        byte[] base = emptyCheckpointedBase();
        JournaledMapDb db = JournaledMapDb.open(main, journal);
        BTreeMap<Long, byte[]> m = map(db.db());
        byte[] big = new byte[60_000];
        for (long k = 1; k <= 160; k++) {
            java.util.Arrays.fill(big, (byte) k);
            m.put(k, big.clone());
        }
        db.commit();
        db.close(false);
        assertThat(Files.size(main)).as("MapDB grew the file").isGreaterThan(base.length);

        Files.write(main, base); // back to the length and content of the last checkpoint

        db = JournaledMapDb.open(main, journal);
        try {
            m = map(db.db());
            assertThat(m).hasSize(160);
            for (long k = 1; k <= 160; k++) {
                java.util.Arrays.fill(big, (byte) k);
                assertThat(m.get(k)).as("key %d", k).isEqualTo(big);
            }
        } finally {
            db.close(true);
        }
    }

    @Test
    void aTornLastBatchIsIgnoredAndLogged() throws Exception {
        byte[] base = emptyCheckpointedBase();
        JournaledMapDb db = JournaledMapDb.open(main, journal);
        commitValues(db, 1, 10);
        long afterFirst = db.journalEndForTests();
        commitValues(db, 11, 20);
        long afterSecond = db.journalEndForTests();
        db.close(false);
        RawLogFiles.truncate(journal, afterSecond - 7); // the second batch never got whole to disk
        Files.write(main, base);

        java.util.List<ILoggingEvent> warnings = warningsOf(RedoJournal.class, () -> assertValues(1, 10, 10));

        assertThat(afterFirst).isGreaterThan(RedoJournal.HEADER_BYTES);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getFormattedMessage())
                .contains("ignored batch", "incomplete"));
    }

    @Test
    void aDamagedBatchWithAWholeOneAfterItIsRefused() throws Exception {
        emptyCheckpointedBase();
        JournaledMapDb db = JournaledMapDb.open(main, journal);
        commitValues(db, 1, 10);
        commitValues(db, 11, 20);
        db.close(false);
        RawLogFiles.garble(journal, RedoJournal.HEADER_BYTES + 40, 8, 3);

        assertThatThrownBy(() -> JournaledMapDb.open(main, journal))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("fails its checksum but batch")
                .hasMessageContaining(journal.toString());
    }

    @Test
    void checkpointsKeepTheJournalSmallAndLoseNothing() throws Exception {
        long checkpointBytes = 16 * 1024;
        JournaledMapDb db = JournaledMapDb.create(main, journal, checkpointBytes);
        for (long k = 1; k <= 400; k += 10) {
            commitValues(db, k, k + 9);
            assertThat(db.journalEndForTests()).isLessThan(RedoJournal.HEADER_BYTES + 2 * checkpointBytes);
            assertThat(Files.size(journal)).isLessThanOrEqualTo(RedoJournal.HEADER_BYTES + 2 * checkpointBytes
                    + RedoJournal.GROWTH_BYTES);
        }
        db.close(false);

        assertValues(1, 400, 400);
    }

    @Test
    void uncommittedChangesNeverReachTheFiles() throws Exception {
        emptyCheckpointedBase();
        JournaledMapDb db = JournaledMapDb.open(main, journal);
        commitValues(db, 1, 5);
        BTreeMap<Long, byte[]> m = map(db.db());
        m.put(6L, value(6));
        m.remove(1L);
        db.close(false);

        assertValues(1, 5, 5);
    }

    @Test
    void aJournalWithoutAValidHeaderIsRefused() throws Exception {
        emptyCheckpointedBase();
        RawLogFiles.garble(journal, 0, 1024, 5);

        assertThatThrownBy(() -> JournaledMapDb.open(main, journal))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                .hasMessageContaining("no valid header");
    }

    @Test
    void aFullDiskIsReportedAsSuch() {
        java.io.IOException full = new java.io.IOException("No space left on device");
        StorageException e = StorageErrors.translate("commit", main, new org.mapdb.DBException.VolumeIOError(full), false);

        assertThat(e.kind()).isEqualTo(Kind.DISK_FULL);
        assertThat(e.getMessage()).contains(main.toString(), "free disk space");
    }

    static java.util.List<ILoggingEvent> warningsOf(Class<?> source, Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(source);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(ev -> ev.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    }
}
