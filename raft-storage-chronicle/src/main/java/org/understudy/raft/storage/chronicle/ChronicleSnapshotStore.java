package org.understudy.raft.storage.chronicle;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.storage.DataDirectory;

/**
 * A durable {@link SnapshotStore}: each snapshot is a Chronicle queue of its own, in a directory
 * named after its index and term, holding a header, the data in fixed-size checksummed chunks and a
 * commit record ({@link SnapshotRecord}).
 *
 * <h2>Commit</h2>
 * A writer fills {@code partial-<index>-<n>/}. {@link Writer#commit()} writes the commit record,
 * forces every file and the directory to disk, and renames the directory to
 * {@code snapshot-<index>-<term>/} (then forces the parent): the rename is the moment the
 * snapshot exists. A crash before it leaves a partial directory, deleted on the next open; the
 * previous snapshot is untouched. A commit whose index is not above the latest is discarded: it
 * could never become the latest, and nothing reads older snapshots.
 *
 * <h2>Reading and deleting</h2>
 * A reader opens the snapshot's queue read-only and reads chunk by chunk, checking each chunk's
 * checksum. The store counts the readers of each snapshot; {@link #deleteOlderThan} removes a
 * snapshot from view at once but deletes its files only when its last reader closes, so a reader
 * never loses its data.
 *
 * <h2>Threading</h2>
 * Safe for any number of threads: the catalogue of committed snapshots is guarded by {@code this};
 * writers and readers are each for one thread at a time.
 */
public final class ChronicleSnapshotStore implements SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleSnapshotStore.class);

    /** The on-disk format this class writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The engine name in the directory's identity file (distinct from the log's, so the two cannot be mixed up). */
    static final String ENGINE = ChronicleStorageEngine.NAME + "-snapshots";

    /** The data of a snapshot is stored and checksummed in chunks of this many bytes. */
    static final int CHUNK_SIZE = 128 * 1024;

    private static final Pattern COMMITTED = Pattern.compile("snapshot-(\\d{20})-(\\d{20})");
    private static final String PARTIAL_PREFIX = "partial-";

    /** A committed snapshot, as the catalogue knows it. */
    static final class Stored {
        final Path dir;
        final SnapshotMetadata metadata;
        final long size;
        int readers;
        boolean deleted;

        Stored(Path dir, SnapshotMetadata metadata, long size) {
            this.dir = dir;
            this.metadata = metadata;
            this.size = size;
        }
    }

    private final Path dir;
    private final DataDirectory directory;
    private final TreeMap<Long, Stored> committed = new TreeMap<>();
    private final Set<ChronicleSnapshotWriter> writers = new HashSet<>();
    private final AtomicLong partials = new AtomicLong();
    private boolean closed;

    /** Opens (or creates) the store in {@code options.dataDir()}. */
    public ChronicleSnapshotStore(StorageOptions options) {
        Objects.requireNonNull(options, "options");
        ChronicleRuntime.prepare();
        this.dir = options.dataDir();
        this.directory = DataDirectory.open(dir, ENGINE, FORMAT_VERSION, options);
        try {
            load();
        } catch (RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private void load() {
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new StorageException(Kind.IO, "cannot list the snapshot directory " + dir + ": " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            Matcher m = COMMITTED.matcher(name);
            if (name.startsWith(PARTIAL_PREFIX)) {
                LOG.info("{}: deleting {}, a snapshot whose writing never finished", dir, name);
                deleteTree(entry);
            } else if (m.matches()) {
                Stored stored = verify(entry, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                committed.put(stored.metadata.getIndex(), stored);
            }
        }
    }

    /** Reads a committed snapshot's header and commit record and checks them against its name. */
    private static Stored verify(Path snapshotDir, long index, long term) {
        try (SingleChronicleQueue queue = SnapshotQueue.open(snapshotDir, true);
                ExcerptTailer tailer = queue.createTailer()) {
            SnapshotRecord.Header header = SnapshotRecord.parseHeader(SnapshotQueue.read(tailer, 0));
            long last = SnapshotQueue.lastSequence(queue);
            SnapshotRecord.Commit commit = last < 1 ? null : SnapshotRecord.parseCommit(SnapshotQueue.read(tailer, last));
            if (header == null || commit == null) {
                throw new StorageException(Kind.CORRUPT, "the committed snapshot " + snapshotDir + " has a damaged or missing "
                        + (header == null ? "header" : "commit record") + "; delete it (the node then needs a snapshot from the leader"
                        + " if its log was compacted past it)");
            }
            if (header.formatVersion() < 1 || header.formatVersion() > FORMAT_VERSION) {
                throw new StorageException(Kind.UNSUPPORTED_FORMAT, "the snapshot " + snapshotDir + " is in format version "
                        + header.formatVersion() + "; this build reads versions 1.." + FORMAT_VERSION);
            }
            SnapshotMetadata meta = commit.metadata();
            long expectedChunks = (commit.size() + header.chunkSize() - 1) / header.chunkSize();
            if (!meta.equals(header.metadata()) || meta.getIndex() != index || meta.getTerm() != term
                    || commit.chunks() != expectedChunks || last != commit.chunks() + 1 || header.chunkSize() != CHUNK_SIZE) {
                throw new StorageException(Kind.CORRUPT, "the committed snapshot " + snapshotDir + " is inconsistent: its name, header"
                        + " and commit record disagree (index " + meta.getIndex() + ", term " + meta.getTerm() + ", "
                        + commit.chunks() + " chunks of " + header.chunkSize() + " bytes for " + commit.size() + " bytes)");
            }
            return new Stored(snapshotDir, meta, commit.size());
        }
    }

    @Override
    public synchronized Optional<SnapshotMetadata> latest() {
        checkOpen();
        Map.Entry<Long, Stored> last = committed.lastEntry();
        return last == null ? Optional.empty() : Optional.of(last.getValue().metadata);
    }

    @Override
    public Writer create(SnapshotMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        Path partial;
        synchronized (this) {
            checkOpen();
            partial = dir.resolve(PARTIAL_PREFIX + metadata.getIndex() + "-" + partials.incrementAndGet());
        }
        ChronicleSnapshotWriter writer = new ChronicleSnapshotWriter(this, partial, metadata);
        synchronized (this) {
            if (closed) {
                writer.abort();
                throw new IllegalStateException("ChronicleSnapshotStore " + dir + " is closed");
            }
            writers.add(writer);
        }
        return writer;
    }

    @Override
    public synchronized Optional<Reader> openLatest() {
        checkOpen();
        Map.Entry<Long, Stored> last = committed.lastEntry();
        if (last == null) {
            return Optional.empty();
        }
        Stored stored = last.getValue();
        ChronicleSnapshotReader reader = new ChronicleSnapshotReader(this, stored);
        stored.readers++;
        return Optional.of(reader);
    }

    @Override
    public synchronized void deleteOlderThan(long index) {
        checkOpen();
        if (committed.isEmpty()) {
            return;
        }
        // Never the latest: a compacted log depends on it.
        Map<Long, Stored> doomed = committed.headMap(Math.min(index, committed.lastKey()), false);
        for (Stored stored : new ArrayList<>(doomed.values())) {
            stored.deleted = true;
            if (stored.readers == 0) {
                deleteTree(stored.dir);
            }
        }
        doomed.clear();
        DataDirectory.syncDirectory(dir);
    }

    /** Aborts unfinished writers and releases the directory. Open readers keep working. Idempotent. */
    @Override
    public void close() {
        List<ChronicleSnapshotWriter> unfinished;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            unfinished = new ArrayList<>(writers);
            writers.clear();
        }
        for (ChronicleSnapshotWriter writer : unfinished) {
            writer.abort();
        }
        directory.close();
    }

    // ------------------------------------------------------------------ called by writers and readers

    /** A writer made its partial directory durable; make it the latest snapshot, or discard it. */
    synchronized void publish(ChronicleSnapshotWriter writer, Path partial, SnapshotMetadata metadata, long size) {
        writers.remove(writer);
        checkOpen();
        Map.Entry<Long, Stored> last = committed.lastEntry();
        if (last != null && metadata.getIndex() <= last.getKey()) {
            LOG.debug("{}: discarding snapshot {} committed after the newer {}", dir, metadata.getIndex(), last.getKey());
            deleteTree(partial);
            return;
        }
        Path target = dir.resolve(String.format("snapshot-%020d-%020d", metadata.getIndex(), metadata.getTerm()));
        try {
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
        } catch (IOException e) {
            throw new StorageException(LogQueue.kindOf(e), "cannot commit the snapshot " + partial + " as " + target + ": " + e.getMessage(), e);
        }
        DataDirectory.syncDirectory(dir);
        committed.put(metadata.getIndex(), new Stored(target, metadata, size));
    }

    /** A writer was aborted. */
    synchronized void forget(ChronicleSnapshotWriter writer) {
        writers.remove(writer);
    }

    /** A reader closed: delete its snapshot if it was deleted meanwhile and this was its last reader. */
    synchronized void readerClosed(Stored stored) {
        stored.readers--;
        if (stored.deleted && stored.readers == 0 && !closed) {
            deleteTree(stored.dir);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ChronicleSnapshotStore " + dir + " is closed");
        }
    }

    /** Deletes a snapshot's directory; a failure is logged, not thrown (a leftover costs only disk). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.toString());
        }
    }
}
