package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import org.mapdb.DB;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.storage.DataDirectory;

/**
 * The files of a log directory: {@value #MAIN} (MapDB) and {@value #JOURNAL} (its
 * {@link RedoJournal}), beside the directory's identity and lock.
 *
 * <p>A new log is built under temporary names ({@code *.new}) and renamed into place, journal
 * first and MapDB file last, so a crash while creating it leaves either no log file or a whole
 * one. A directory that already had an identity but holds no log file and no such leftovers
 * has lost its log; it is refused rather than silently started empty, since an empty log would
 * forget the node's vote and its acknowledged entries.
 */
final class LogFiles {

    static final String MAIN = "raft-log.mapdb";
    static final String JOURNAL = "raft-log.journal";
    private static final String NEW = ".new";

    private LogFiles() {}

    static Path main(Path dir) {
        return dir.resolve(MAIN);
    }

    /**
     * Opens the log's database in {@code dir}, creating it (and running {@code initialize} on it
     * before its first commit) when the directory is new.
     */
    static JournaledMapDb openOrCreate(Path dir, boolean identityExisted, Consumer<DB> initialize) {
        Path main = dir.resolve(MAIN);
        Path journal = dir.resolve(JOURNAL);
        Path mainNew = dir.resolve(MAIN + NEW);
        Path journalNew = dir.resolve(JOURNAL + NEW);
        try {
            if (Files.exists(main)) {
                Files.deleteIfExists(mainNew);
                Files.deleteIfExists(journalNew);
                return JournaledMapDb.open(main, journal);
            }
            boolean leftovers = Files.exists(mainNew) || Files.exists(journalNew) || Files.exists(journal);
            if (identityExisted && !leftovers) {
                throw new StorageException(Kind.CORRUPT, "the data directory " + dir + " has an "
                        + DataDirectory.IDENTITY_FILE + " file but no " + MAIN + ": its log was deleted or lost, and "
                        + "starting with an empty one could make this node vote twice; restore it or wipe the directory");
            }
            Files.deleteIfExists(mainNew);
            Files.deleteIfExists(journalNew);
            Files.deleteIfExists(journal);
            JournaledMapDb created = JournaledMapDb.create(mainNew, journalNew);
            try {
                initialize.accept(created.db());
                created.commit();
            } finally {
                created.close(true);
            }
            move(journalNew, journal);
            move(mainNew, main);
            DataDirectory.syncDirectory(dir);
            return JournaledMapDb.open(main, journal);
        } catch (IOException e) {
            throw StorageErrors.translate("create the log in", dir, e, false);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
