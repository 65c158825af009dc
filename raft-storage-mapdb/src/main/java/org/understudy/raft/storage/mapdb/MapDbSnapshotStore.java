package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.storage.DataDirectory;

/**
 * Durable snapshots, one MapDB file each (see {@link SnapshotFiles} for the layout), in
 * {@code options.dataDir()}, claimed as a {@link DataDirectory} for engine {@value #ENGINE}.
 *
 * <p>A snapshot is written in checksummed chunks to a {@code .partial} file, forced, and renamed
 * to its final name on commit; the rename is what makes it visible, so a crash before it leaves
 * the previous snapshot as the latest, and the leftover partial file is deleted on the next
 * open. Deleting a snapshot that has open readers deletes its file when the last one closes.
 * Safe for use from several threads.
 */
public final class MapDbSnapshotStore implements SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(MapDbSnapshotStore.class);

    /** The engine name in the directory's identity: a log directory is not a snapshot directory. */
    public static final String ENGINE = "mapdb-snapshots";

    private final Path dir;
    private final DataDirectory directory;
    private final TreeMap<Long, SnapshotFile> committed = new TreeMap<>();
    /** Older snapshot files that did not read back; kept for deleteOlderThan, never served. */
    private final TreeMap<Long, Path> damaged = new TreeMap<>();
    private final Set<MapDbSnapshotWriter> writers = new HashSet<>();
    private final AtomicLong partials = new AtomicLong();
    private boolean closed;

    /** Opens (or creates) the snapshot store in {@code options.dataDir()}. */
    public MapDbSnapshotStore(StorageOptions options) {
        Objects.requireNonNull(options, "options");
        this.dir = options.dataDir();
        this.directory = DataDirectory.open(dir, ENGINE, SnapshotFiles.FORMAT_VERSION, options);
        try {
            scan();
        } catch (RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private void scan() {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.toList();
        } catch (IOException e) {
            throw StorageErrors.translate("list the snapshots in", dir, e, false);
        }
        List<Path> snapshots = new ArrayList<>();
        for (Path f : files) {
            if (SnapshotFiles.isPartial(f)) {
                LOG.info("deleting {}, a snapshot that was never committed", f);
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw StorageErrors.translate("delete the unfinished snapshot", f, e, false);
                }
            } else if (SnapshotFiles.indexOf(f) >= 0) {
                snapshots.add(f);
            }
        }
        snapshots.sort(Comparator.comparingLong(SnapshotFiles::indexOf).reversed());
        for (Path f : snapshots) {
            long index = SnapshotFiles.indexOf(f);
            if (committed.isEmpty()) {
                committed.put(index, SnapshotFile.load(f)); // the latest must read back
            } else {
                try {
                    committed.put(index, SnapshotFile.load(f));
                } catch (StorageException e) {
                    LOG.warn("ignoring the damaged older snapshot {} ({}); {} is newer", f, e.getMessage(),
                            committed.lastKey());
                    damaged.put(index, f);
                }
            }
        }
    }

    @Override
    public synchronized Optional<SnapshotMetadata> latest() {
        return committed.isEmpty() ? Optional.empty() : Optional.of(committed.lastEntry().getValue().metadata());
    }

    @Override
    public Writer create(SnapshotMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        Path partial;
        synchronized (this) {
            checkOpen();
            partial = dir.resolve(String.format("snapshot-%020d-%d%s", metadata.getIndex(), partials.incrementAndGet(),
                    SnapshotFiles.PARTIAL_SUFFIX));
        }
        MapDbSnapshotWriter writer = new MapDbSnapshotWriter(this, metadata, partial);
        synchronized (this) {
            if (closed) {
                writer.abort();
                checkOpen();
            }
            writers.add(writer);
        }
        return writer;
    }

    /** Called by a writer whose file is complete and forced: renames it into place if it is the newest. */
    synchronized void publish(MapDbSnapshotWriter writer, Path partial) {
        writers.remove(writer);
        long index = writer.metadata().getIndex();
        try {
            if (closed || (!committed.isEmpty() && index <= committed.lastKey())) {
                LOG.debug("snapshot {} is not newer than the latest {}; dropping it", index,
                        committed.isEmpty() ? "(closed)" : committed.lastKey());
                Files.deleteIfExists(partial);
                return;
            }
            Path target = dir.resolve(SnapshotFiles.committedName(index));
            move(partial, target);
            DataDirectory.syncDirectory(dir);
            committed.put(index, SnapshotFile.load(target));
        } catch (IOException e) {
            throw StorageErrors.translate("commit the snapshot", partial, e, false);
        }
    }

    synchronized void forget(MapDbSnapshotWriter writer) {
        writers.remove(writer);
    }

    @Override
    public synchronized Optional<Reader> openLatest() {
        checkOpen();
        if (committed.isEmpty()) {
            return Optional.empty();
        }
        SnapshotFile file = committed.lastEntry().getValue();
        file.acquire();
        return Optional.of(new MapDbSnapshotReader(file));
    }

    @Override
    public synchronized void deleteOlderThan(long index) {
        checkOpen();
        if (committed.isEmpty()) {
            return;
        }
        long latest = committed.lastKey();
        for (Map.Entry<Long, SnapshotFile> e : new ArrayList<>(committed.headMap(Math.min(index, latest), false).entrySet())) {
            committed.remove(e.getKey());
            e.getValue().delete();
        }
        for (Map.Entry<Long, Path> e : new ArrayList<>(damaged.headMap(Math.min(index, latest), false).entrySet())) {
            damaged.remove(e.getKey());
            try {
                Files.deleteIfExists(e.getValue());
            } catch (IOException ex) {
                LOG.warn("cannot delete the damaged snapshot {}", e.getValue(), ex);
            }
        }
    }

    @Override
    public void close() {
        List<MapDbSnapshotWriter> unfinished;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            unfinished = new ArrayList<>(writers);
        }
        for (MapDbSnapshotWriter w : unfinished) {
            w.abort();
        }
        synchronized (this) {
            committed.values().forEach(SnapshotFile::closeForShutdown);
            committed.clear();
            directory.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the snapshot store in " + dir + " is closed");
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
