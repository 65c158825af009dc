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
 * The files of a log directory: {@value #MAIN} (MapDB: the index of runs, the hard state, the
 * compaction point), {@value #JOURNAL} (its {@link RedoJournal}) and the value segments
 * {@code values-<20-digit number>.seg} ({@link ValueSegments}) holding the entries, beside the
 * directory's identity and lock.
 *
 * <p>A new log is built under temporary names ({@code *.new}) and renamed into place, journal
 * first and MapDB file last, so a crash while creating it leaves either no log file or a whole
 * one; segment files found while creating a log are leftovers no pointer can name and are
 * deleted. A directory that already had an identity but holds no log file and no such leftovers
 * has lost its log; it is refused rather than silently started empty, since an empty log would
 * forget the node's vote and its acknowledged entries.
 */
final class LogFiles {

    static final String MAIN = "raft-log.mapdb";
    static final String JOURNAL = "raft-log.journal";
    private static final String NEW = ".new";
    private static final String SEGMENT_PREFIX = "values-";
    private static final String SEGMENT_SUFFIX = ".seg";
    /** Matches the names of value segment files. */
    static final String SEGMENT_GLOB = SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX;

    private LogFiles() {}

    static Path main(Path dir) {
        return dir.resolve(MAIN);
    }

    /** The name of value segment {@code n}: {@code values-} and {@code n} in 20 digits, {@code .seg}. */
    static String segmentName(long n) {
        return String.format("%s%020d%s", SEGMENT_PREFIX, n, SEGMENT_SUFFIX);
    }

    static Path segment(Path dir, long n) {
        return dir.resolve(segmentName(n));
    }

    /** The number in a segment file's name, or -1 if {@code name} is not one. */
    static long segmentNumber(String name) {
        if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)
                || name.length() != SEGMENT_PREFIX.length() + 20 + SEGMENT_SUFFIX.length()) {
            return -1;
        }
        String digits = name.substring(SEGMENT_PREFIX.length(), SEGMENT_PREFIX.length() + 20);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
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
            for (long n : ValueSegments.list(dir)) {
                Files.deleteIfExists(segment(dir, n));
            }
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
