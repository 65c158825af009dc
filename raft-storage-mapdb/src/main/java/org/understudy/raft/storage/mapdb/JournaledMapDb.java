package org.understudy.raft.storage.mapdb;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.StoreWAL;
import org.mapdb.volume.ByteArrayVol;
import org.mapdb.volume.MappedFileVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MapDB database whose commits are made atomic and durable by a {@link RedoJournal}.
 *
 * <p>The store is MapDB's {@code StoreWAL}, which stages every change in memory and touches
 * the main file only inside {@code commit()}. Its own write-ahead log is kept in memory here
 * (MapDB 3.1.0 never replays it, so on disk it costs a file creation, an fsync and a deletion
 * per commit for nothing); the main file is a {@link JournaledVolume}, so a commit costs one
 * journal append and one fsync, and the main file is forced only at checkpoints.
 *
 * <p>The main file is memory-mapped in {@value #SLICE_BYTES}-byte slices and grows sparse
 * ({@code preclear} off): zero-filling each new slice would write every byte of the file one
 * more time. The price is that a full disk shows up as a fault on a mapped page while a commit
 * is copied in, after its batch is journaled; {@link JournaledVolume} reports that as
 * {@code DISK_FULL}, and the next open replays the batch through ordinary writes, which fail
 * with a plain "No space left on device" until space is freed.
 */
final class JournaledMapDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournaledMapDb.class);

    /** Growth step and mapping size of the main file. */
    static final long SLICE_BYTES = 8L << 20;
    /** Journal bytes after which the main file is forced and the journal starts over. */
    static final long CHECKPOINT_BYTES = 16L << 20;

    private final Path file;
    private final RedoJournal journal;
    private final DB db;
    private final JournaledVolume volume;

    private JournaledMapDb(Path file, RedoJournal journal, DB db, JournaledVolume volume) {
        this.file = file;
        this.journal = journal;
        this.db = db;
        this.volume = volume;
    }

    /** Creates a new database in {@code file} with its journal in {@code journalFile}; neither may exist. */
    static JournaledMapDb create(Path file, Path journalFile) {
        return create(file, journalFile, CHECKPOINT_BYTES);
    }

    static JournaledMapDb create(Path file, Path journalFile, long checkpointBytes) {
        RedoJournal journal = RedoJournal.create(journalFile, checkpointBytes);
        return open(file, journal, false);
    }

    /** Opens an existing database, first replaying its journal into it. */
    static JournaledMapDb open(Path file, Path journalFile) {
        return open(file, journalFile, CHECKPOINT_BYTES);
    }

    static JournaledMapDb open(Path file, Path journalFile, long checkpointBytes) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist");
        }
        RedoJournal journal = RedoJournal.openAndRecover(journalFile, file, checkpointBytes);
        return open(file, journal, true);
    }

    private static JournaledMapDb open(Path file, RedoJournal journal, boolean existed) {
        Volumes volumes = new Volumes(file, journal);
        StoreWAL store = null;
        try {
            store = StoreWAL.make(file.toString(), volumes, 0L, true, CC.STORE_DIRECT_CONC_SHIFT,
                    SLICE_BYTES, 0L, false, false, false, true, false);
            DB db = new DB(store, existed, true, JournaledMapDb.class.getClassLoader(), 0);
            if (volumes.main == null) {
                throw new IllegalStateException("MapDB did not open " + file + " through the journaled volume");
            }
            return new JournaledMapDb(file, journal, db, volumes.main);
        } catch (RuntimeException | InternalError e) {
            try {
                if (store != null) {
                    store.close();
                } else if (volumes.main != null) {
                    volumes.main.close();
                }
            } catch (RuntimeException | InternalError suppressed) {
                e.addSuppressed(suppressed);
            }
            journal.close();
            throw StorageErrors.translate("open the MapDB file", file, e, existed);
        }
    }

    DB db() {
        return db;
    }

    Path file() {
        return file;
    }

    /** The end of the last journaled batch, for tests that tear it. */
    long journalEndForTests() {
        return journal.position();
    }

    /** Commits MapDB's staged changes: one journal batch and one fsync. */
    void commit() {
        db.commit();
    }

    /**
     * Closes the database. When {@code checkpoint} is set the main file is forced first, so the
     * next open has nothing to replay; uncommitted changes are dropped either way.
     */
    void close(boolean checkpoint) {
        try {
            if (checkpoint && !db.isClosed()) {
                volume.checkpoint();
            }
        } catch (RuntimeException e) {
            LOG.warn("checkpoint of {} on close failed; the next open replays the journal", file, e);
        } finally {
            try {
                if (!db.isClosed()) {
                    db.close();
                }
            } catch (RuntimeException | InternalError e) {
                LOG.warn("closing {} failed", file, e);
            } finally {
                journal.close();
            }
        }
    }

    @Override
    public void close() {
        close(false);
    }

    /** The main file journaled and memory-mapped; MapDB's write-ahead log in memory. */
    private static final class Volumes extends VolumeFactory {
        private final VolumeFactory mapped = new MappedFileVol.MappedFileFactory(true, true);
        private final Path file;
        private final RedoJournal journal;
        JournaledVolume main;

        Volumes(Path file, RedoJournal journal) {
            this.file = file;
            this.journal = journal;
        }

        @Override
        public Volume makeVolume(String name, boolean readOnly, long fileLockWait, int sliceShift, long initSize,
                boolean fixedSize) {
            if (name != null && name.equals(file.toString())) {
                Volume mappedFile = mapped.makeVolume(name, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
                main = new JournaledVolume(mappedFile, file, journal);
                return main;
            }
            if (name != null && name.startsWith(file + ".wal.")) {
                // MapDB's staging area for one commit. Its slices must be as large as MapDB asks
                // (1 MiB): the write-ahead log never splits a write across two of them.
                return new ByteArrayVol(sliceShift, 0L);
            }
            throw new IllegalStateException("MapDB asked for an unexpected file " + name);
        }

        @Override
        public boolean exists(String name) {
            return name != null && name.equals(file.toString()) && new File(name).exists();
        }

        @Override
        public boolean handlesReadonly() {
            return false;
        }
    }
}
