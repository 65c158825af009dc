package org.understudy.raft.storage.chronicle;

import org.understudy.raft.storage.LogRanges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.storage.DataDirectory;

/**
 * A durable {@link LogStorage} on a Chronicle Queue: an append-only sequence of checksummed
 * records in segment files, in the directory {@code options.dataDir()}.
 *
 * <h2>Format (version {@value #FORMAT_VERSION})</h2>
 * The records ({@link LogRecord}) are an ENTRY, a TRUNCATE or COMPACT marker, a HARD_STATE, a
 * SEGMENT_START (the first record of every segment: format version and the whole state at that
 * point) or a SKIP (a damaged tail dropped on open). Each Chronicle document holds one record,
 * except that the entries of one {@link #append} go into documents of up to {@link
 * EntryRun#MAX_BYTES} as runs of ENTRY records (version 2; version 1 wrote one document per
 * entry, and a directory created at version 1 keeps doing so, so that an older build can still
 * read it). Chronicle cannot
 * remove records, so a suffix truncation is a marker and an overwrite is simply a later ENTRY for
 * the same index; the log is what replaying the records in order gives. The directory's
 * {@code IDENTITY} file ({@link DataDirectory}) names the cluster, node, engine and format version.
 *
 * <h2>In memory</h2>
 * The table from Raft index to record position (segment and byte offset) of the live entries
 * ({@link PositionTable}, 8 bytes per live entry), the terms as runs ({@link TermRuns}), and the
 * newest entries up to {@link StorageOptions#entryCacheBytes()} ({@link EntryCache}). Entries are
 * otherwise read straight from read-only mappings of the segment files ({@link MappedSegments}),
 * their checksums checked on every read. On open, {@link LogReplay} rebuilds the tables from
 * every record.
 *
 * <h2>Segments and compaction</h2>
 * The queue rolls to a new segment file once the current one exceeds
 * {@link ChronicleLogSettings#segmentBytes()} ({@link SegmentClock}). After a prefix compaction,
 * every segment older than the one that holds the first live entry is deleted, at the next sync,
 * once the compaction record is durable.
 *
 * <h2>Durability</h2>
 * Writes are buffered in the page cache (entry runs by a positioned write, Chronicle's headers
 * and the other records through its mapping; see {@link LogQueue#append(byte[], int)}); {@link
 * #sync()} is one {@code fdatasync} of the current
 * segment covering every write since the last one (group commit). Any failed write or sync makes
 * the storage refuse every further call with {@link Kind#FAILED}.
 *
 * <h2>Threading</h2>
 * One writer thread, any number of readers. The writer appends its records to the queue first
 * (readers do not look at records the tables do not point to), then updates the tables under the
 * write lock and publishes the new bounds; readers hold the read lock while they look up and read,
 * so each read sees the log before or after a write, never during. A writer waits for at most the
 * reads in progress, which are bounded by their {@code maxBytes}.
 */
public final class ChronicleLogStorage implements LogStorage {

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLogStorage.class);

    /** The on-disk format this class writes and reads. */
    public static final int FORMAT_VERSION = 2;

    /** The most data one entry may carry (Chronicle limits a document to a quarter of its mapping block). */
    public static final int MAX_ENTRY_DATA_BYTES = LogQueue.MAX_RECORD_BYTES - LogRecord.OVERHEAD_BYTES;

    /** The bounds of the log, published together so that readers never see a torn pair. */
    private record Bounds(SnapshotMetadata compactedTo, long lastIndex) {
        long firstIndex() {
            return compactedTo.getIndex() + 1;
        }
    }

    private final Path dir;
    private final long segmentBytes;
    private final DataDirectory directory;
    private final LogQueue queue;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // Guarded by lock.
    private final PositionTable positions;
    private final TermRuns terms;
    private final EntryCache cache;

    private volatile Bounds bounds;
    private volatile HardState hardState;
    private volatile boolean closed;
    /** Set by the first failed write or sync; from then on every call is refused. */
    private volatile StorageException failure;

    // Writer-thread state.
    private final LogRecord record = new LogRecord(4096);
    private final EntryRun run;
    /** The format version of this directory's records (an older directory keeps its own). */
    private final int formatVersion;
    private long[] batchPositions = new long[256];
    private boolean rollBeforeNextWrite;
    /** Segments before this one may be deleted once the next sync has made the compaction durable. */
    private int releaseBefore = Integer.MIN_VALUE;

    /** Opens (or creates) the log in {@code options.dataDir()} with the default settings. */
    public ChronicleLogStorage(StorageOptions options) {
        this(options, ChronicleLogSettings.defaults());
    }

    /**
     * Opens (or creates) the log in {@code options.dataDir()}.
     *
     * @throws StorageException {@code LOCKED}, {@code FOREIGN_DATA} or {@code UNSUPPORTED_FORMAT}
     *     from the directory check, {@code CORRUPT} when a record before the tail is damaged,
     *     {@code IO} when the files cannot be opened
     */
    public ChronicleLogStorage(StorageOptions options, ChronicleLogSettings settings) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(settings, "settings");
        ChronicleRuntime.prepare();
        this.dir = options.dataDir();
        this.segmentBytes = settings.segmentBytes();
        this.cache = new EntryCache(options.entryCacheBytes());
        DataDirectory claimed = DataDirectory.open(dir, ChronicleStorageEngine.NAME, FORMAT_VERSION, options);
        LogQueue opened = null;
        try {
            opened = LogQueue.open(dir, settings);
            long start = System.nanoTime();
            LogReplay replay;
            try (var tailer = opened.replayTailer()) {
                replay = LogReplay.run(tailer, FORMAT_VERSION);
            }
            this.directory = claimed;
            this.formatVersion = claimed.formatVersion();
            this.run = new EntryRun(formatVersion >= 2 ? EntryRun.MAX_BYTES : 0);
            this.queue = opened;
            this.positions = replay.positions();
            this.terms = replay.terms();
            this.bounds = new Bounds(replay.compactedTo(), replay.lastIndex());
            this.hardState = replay.hardState();
            queue.resumeAt(replay.lastCycle(), replay.lastCycleStart(), replay.lastEnd());
            LOG.debug("opened {} in {} ms: {} records, entries {}..{}", dir, (System.nanoTime() - start) / 1_000_000,
                    replay.records(), bounds.firstIndex(), bounds.lastIndex());
            if (!replay.damagedTail().isEmpty()) {
                dropDamagedTail(replay.damagedTail());
            } else if (!replay.started()) {
                // A new log: its first record states the format version.
                writeSegmentStart();
                queue.sync();
            }
        } catch (RuntimeException e) {
            if (opened != null) {
                closeQuietly(opened);
            }
            claimed.close();
            throw e;
        }
    }

    /**
     * A torn tail: records the previous process wrote but, most likely, never synced. They are
     * dropped, and a SKIP marker naming them makes the next open agree; the next write then starts
     * a fresh segment, so every segment still begins with an intact segment start record.
     */
    private void dropDamagedTail(List<LogReplay.DamagedRecord> damaged) {
        LOG.warn("{}: dropping {} damaged record(s) at the end of the Raft log, most likely a write the previous process did"
                + " not finish and sync before it stopped; the log continues after index {}. Dropped: {}",
                dir, damaged.size(), bounds.lastIndex(), damaged);
        queue.append(record.skip(damaged.get(0).queueIndex(), damaged.get(damaged.size() - 1).queueIndex()));
        queue.sync();
        rollBeforeNextWrite = true;
    }

    // ------------------------------------------------------------------ reads (any thread)

    @Override
    public HardState hardState() {
        checkUsable();
        return hardState;
    }

    @Override
    public SnapshotMetadata compactedTo() {
        checkUsable();
        return bounds.compactedTo();
    }

    @Override
    public long firstIndex() {
        checkUsable();
        return bounds.firstIndex();
    }

    @Override
    public long lastIndex() {
        checkUsable();
        return bounds.lastIndex();
    }

    @Override
    public long term(long index) {
        lock.readLock().lock();
        try {
            checkUsable();
            Bounds b = bounds;
            long compacted = b.compactedTo().getIndex();
            if (index < compacted) {
                throw new LogCompactedException(index, b.firstIndex());
            }
            if (index == compacted) {
                return b.compactedTo().getTerm();
            }
            if (index > b.lastIndex()) {
                throw new IndexOutOfBoundsException("index " + index + " is past the last index " + b.lastIndex());
            }
            return terms.termAt(index);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        lock.readLock().lock();
        try {
            checkUsable();
            Bounds b = bounds;
            LogRanges.checkEntries(lo, hi, b.firstIndex(), b.lastIndex());
            if (lo == hi) {
                return Collections.emptyList();
            }
            List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 256));
            long bytes = 0;
            CRC32C crc = null;
            for (long i = lo; i < hi; i++) {
                Entry e = cache.get(i);
                if (e == null) {
                    if (crc == null) {
                        crc = new CRC32C();
                    }
                    e = readEntry(crc, i);
                }
                bytes += e.getSerializedSize();
                // The first entry is returned whatever its size, so a caller always makes progress.
                if (!out.isEmpty() && bytes > maxBytes) {
                    break;
                }
                out.add(e);
            }
            return Collections.unmodifiableList(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reads and checks entry {@code index} from its segment file's mapping; the caller holds the
     * read lock, which keeps the mappings from being unmapped meanwhile (see {@link #sync()}).
     */
    private Entry readEntry(CRC32C crc, long index) {
        long position = positions.get(index);
        byte[] bytes;
        try {
            bytes = queue.read(position);
        } catch (StorageException e) {
            throw new StorageException(e.kind(), "cannot read entry " + index + " of " + dir + ": " + e.getMessage(), e);
        }
        String problem = LogRecord.checkOwned(bytes, crc);
        if (problem == null && (LogRecord.typeCode(bytes) != RecordType.ENTRY.code || LogRecord.a(bytes) != index)) {
            problem = "it is not the record of entry " + index;
        }
        if (problem != null) {
            throw new StorageException(Kind.CORRUPT, "entry " + index + " (the record at " + queue.describe(position)
                    + ") is damaged: " + problem + ". Restore this node's log directory from a backup, or remove it and let the"
                    + " node catch up from the leader");
        }
        return LogRecord.entryOwning(bytes);
    }

    // ------------------------------------------------------------------ writes (one thread)

    @Override
    public void setHardState(HardState hs) {
        Objects.requireNonNull(hs, "hardState");
        checkUsable();
        if (hs.equals(hardState)) {
            return;
        }
        beginWrite();
        try {
            queue.append(record.hardState(hs));
        } catch (RuntimeException | InternalError e) {
            throw fail("write the hard state", e);
        }
        hardState = hs;
    }

    @Override
    public void append(List<Entry> batch) {
        Objects.requireNonNull(batch, "entries");
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).getIndex();
        for (int k = 0; k < batch.size(); k++) {
            Entry e = batch.get(k);
            if (e.getIndex() != first + k) {
                throw new IllegalArgumentException("entries are not contiguous: " + e.getIndex()
                        + " at position " + k + " after a first index of " + first);
            }
            if (e.getData().size() > MAX_ENTRY_DATA_BYTES) {
                throw new IllegalArgumentException("entry " + e.getIndex() + " has " + e.getData().size()
                        + " bytes of data; the Chronicle log stores at most " + MAX_ENTRY_DATA_BYTES + " per entry");
            }
            if (e.getTypeValue() < 0 || e.getTypeValue() > 0xff) {
                throw new IllegalArgumentException("entry " + e.getIndex() + " has an entry type (" + e.getTypeValue()
                        + ") the log format cannot store");
            }
        }
        checkUsable();
        Bounds b = bounds;
        int skip = (int) Math.max(0, Math.min(batch.size(), b.firstIndex() - first));
        if (skip == batch.size()) {
            return; // wholly covered by the snapshot
        }
        long from = first + skip;
        if (from > b.lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + from + " would leave a gap after the last index " + b.lastIndex());
        }
        beginWrite();
        int n = batch.size() - skip;
        if (batchPositions.length < n) {
            batchPositions = new long[Math.max(n, batchPositions.length * 2)];
        }
        try {
            int k = 0;
            while (k < n) {
                run.clear();
                int runStart = k;
                while (k < n && run.fits(batch.get(skip + k))) {
                    run.add(batch.get(skip + k));
                    k++;
                }
                long at = queue.append(run.bytes(), run.length());
                for (int r = 0; r < run.count(); r++) {
                    batchPositions[runStart + r] = at + run.offset(r);
                }
            }
        } catch (RuntimeException | InternalError e) {
            throw fail("append entries from " + from, e);
        }
        lock.writeLock().lock();
        try {
            if (from <= b.lastIndex()) {
                positions.truncateFrom(from);
                terms.truncateFrom(from);
                cache.truncateFrom(from);
            }
            for (int k = 0; k < n; k++) {
                Entry e = batch.get(skip + k);
                positions.append(e.getIndex(), batchPositions[k]);
                terms.append(e.getIndex(), e.getTerm());
                cache.add(e);
            }
            bounds = new Bounds(b.compactedTo(), batch.get(batch.size() - 1).getIndex());
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void truncateSuffix(long fromIndex) {
        checkUsable();
        Bounds b = bounds;
        if (fromIndex < b.firstIndex()) {
            throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": entries before the first index "
                    + b.firstIndex() + " are compacted");
        }
        if (fromIndex > b.lastIndex()) {
            return;
        }
        beginWrite();
        try {
            queue.append(record.truncate(fromIndex));
        } catch (RuntimeException | InternalError e) {
            throw fail("truncate from " + fromIndex, e);
        }
        lock.writeLock().lock();
        try {
            positions.truncateFrom(fromIndex);
            terms.truncateFrom(fromIndex);
            cache.truncateFrom(fromIndex);
            bounds = new Bounds(b.compactedTo(), fromIndex - 1);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void compactPrefix(SnapshotMetadata snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        checkUsable();
        Bounds b = bounds;
        long index = snapshot.getIndex();
        if (index <= b.compactedTo().getIndex()) {
            return;
        }
        // Only this thread changes the tables, so it may read them without the lock.
        boolean kept = index <= b.lastIndex() && terms.termAt(index) == snapshot.getTerm();
        long lastAfter = kept ? b.lastIndex() : index;
        beginWrite();
        try {
            queue.append(record.compact(snapshot, kept, lastAfter));
        } catch (RuntimeException | InternalError e) {
            throw fail("compact to " + index, e);
        }
        lock.writeLock().lock();
        try {
            if (kept) {
                positions.dropUpTo(index);
                terms.dropBefore(index + 1);
                cache.dropUpTo(index);
            } else {
                // A follower installing the leader's snapshot: nothing after it can be trusted.
                positions.reset(index + 1);
                terms.clear();
                cache.clear();
            }
            bounds = new Bounds(snapshot, lastAfter);
        } finally {
            lock.writeLock().unlock();
        }
        int firstLive = positions.isEmpty() ? queue.currentCycle() : RecordPosition.cycle(positions.get(positions.first()));
        releaseBefore = Math.max(releaseBefore, firstLive);
    }

    @Override
    public void sync() {
        checkUsable();
        try {
            queue.sync();
        } catch (RuntimeException | InternalError e) {
            throw fail("sync", e);
        }
        if (releaseBefore != Integer.MIN_VALUE) {
            int before = releaseBefore;
            releaseBefore = Integer.MIN_VALUE;
            // Readers map segment files; unmap those first (so deleting them frees their space), with
            // the write lock keeping every reader out: touching an unmapped buffer crashes the JVM.
            // No later read asks for them: every live entry is in segment `before` or later.
            lock.writeLock().lock();
            try {
                queue.releaseMappingsBefore(before);
            } finally {
                lock.writeLock().unlock();
            }
            try {
                int deleted = queue.deleteSegmentsBefore(before);
                LOG.debug("{}: deleted {} compacted segment file(s)", dir, deleted);
            } catch (RuntimeException e) {
                // Harmless to keep them: replay handles old segments. Try again after the next compaction.
                LOG.warn("{}: could not delete compacted segment files: {}", dir, e.toString());
            }
        }
    }

    /** Checks that writing is allowed, and starts a new segment when the current one is full. */
    private void beginWrite() {
        if (!rollBeforeNextWrite && !queue.segmentFull()) {
            return;
        }
        try {
            checkFreeSpace();
            queue.startNextSegment();
            rollBeforeNextWrite = false;
            writeSegmentStart();
        } catch (RuntimeException | InternalError e) {
            throw fail("start a new segment", e);
        }
    }

    private void writeSegmentStart() {
        Bounds b = bounds;
        queue.append(record.segmentStart(formatVersion, b.compactedTo(), hardState, b.lastIndex()));
    }

    /**
     * Refuses to start a segment on a nearly full disk: writes through a memory mapping that find
     * no free block crash the process (SIGBUS) instead of failing, so check before.
     */
    private void checkFreeSpace() {
        long usable;
        try {
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return; // cannot tell; the write itself will report problems
        }
        if (usable < segmentBytes + (1L << 20)) {
            throw new StorageException(Kind.DISK_FULL, "only " + usable + " bytes are free for the Raft log in " + dir
                    + ", less than one segment (" + segmentBytes + " bytes); free disk space and restart");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        try {
            closeQuietly(queue);
        } finally {
            directory.close();
        }
    }

    private static void closeQuietly(LogQueue q) {
        try {
            q.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the Chronicle queue in {} failed: {}", q.dir(), e.toString());
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("ChronicleLogStorage " + dir + " is closed");
        }
        StorageException failed = failure;
        if (failed != null) {
            throw new StorageException(Kind.FAILED, "ChronicleLogStorage " + dir + " refuses all calls after an earlier failure"
                    + " (" + failed.getMessage() + "); its unsynced state is unknown, restart the node", failed);
        }
    }

    private StorageException fail(String what, Throwable cause) {
        StorageException e = cause instanceof StorageException se ? se
                : new StorageException(cause instanceof InternalError ? Kind.DISK_FULL : Kind.IO,
                        "cannot " + what + " in " + dir + ": " + cause, cause);
        failure = e;
        return e;
    }

    // ------------------------------------------------------------------ for tests

    /** The bytes the entry cache holds (for tests of its bound). */
    long cachedBytes() {
        lock.readLock().lock();
        try {
            return cache.bytes();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The segment file holding entry {@code index}'s record (a live entry). */
    Path recordFile(long index) {
        lock.readLock().lock();
        try {
            return queue.segmentFile(RecordPosition.cycle(positions.get(index)));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The byte offset of entry {@code index}'s record body in {@link #recordFile}. */
    long recordOffset(long index) {
        lock.readLock().lock();
        try {
            return RecordPosition.offset(positions.get(index));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The segment file windows the readers have mapped (live and replaced ones). */
    int mappedWindows() {
        return queue.mappedWindows();
    }

    /** The segment the writer is in. */
    int currentSegment() {
        return queue.currentCycle();
    }

    /** The file of a segment. */
    Path segmentFile(int segment) {
        return queue.segmentFile(segment);
    }
}
