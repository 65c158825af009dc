package org.understudy.raft.storage.mapdb;

import org.understudy.raft.storage.LogRanges;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;
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
 * A durable {@link LogStorage}: entries in append-only value segments, an index of them and the
 * rest of the log's state in one MapDB 3 file made crash-safe by a redo journal.
 *
 * <h2>Files (format version {@value #FORMAT_VERSION})</h2>
 * {@code options.dataDir()} is claimed as a {@link DataDirectory} for engine {@value #ENGINE}
 * and holds {@value LogFiles#MAIN} (MapDB), {@value LogFiles#JOURNAL} ({@link RedoJournal}) and
 * the value segments {@code values-<20-digit number>.seg} ({@link ValueSegments}).
 * <ul>
 *   <li>The entries of each append are written once, as run records ({@link SegmentRecord}: a
 *       checksummed header, then per entry its term, length, bytes and a CRC32C keyed by its
 *       index) appended to the active segment; at most {@value #RUN_MAX_ENTRIES} entries or
 *       {@value #RUN_MAX_BYTES} bytes of entries per record (one append may make several), so
 *       that a read of one entry copies little. A segment is rolled at 64 MiB.</li>
 *   <li>The MapDB B-tree {@value #RUNS_MAP} maps each run's first index to a
 *       {@link RunPointer} (segment, offset, length, count and a CRC32C). Runs are contiguous:
 *       each starts right after the previous one ends, and the first starts at
 *       {@link #firstIndex()};</li>
 *   <li>{@value #META_MAP}: {@value #KEY_FORMAT} (int), {@value #KEY_HARD_STATE}
 *       ({@link HardState}), {@value #KEY_COMPACTED_TO} ({@link SnapshotMetadata}) and
 *       {@value #KEY_APPENDED_THROUGH} (segment and offset where the active segment ended at
 *       the last commit), each followed by a CRC32C.</li>
 * </ul>
 * A rewrite (an overwriting append, a truncation or a compaction that cuts a run) appends a new
 * record for the part kept and replaces the pointer; the old bytes become garbage. A segment no
 * pointer names any more, other than the active one, is deleted after the sync that made that
 * so durable.
 *
 * <h2>Opening</h2>
 * The journal is replayed, then every pointer is checked (checksum, contiguity) and every record
 * it names is read and checked (header, frames, every entry's checksum). A bad record, or a bad
 * pointer, at the end of the log is cut off, committed and logged at WARN; anywhere else, or a
 * gap, it is a {@link Kind#CORRUPT} error naming the run, the file and the offset; a missing
 * segment is {@link Kind#CORRUPT} too. Then the records of plain appends synced after the last
 * commit are adopted (see {@code recoverTail}); what follows them is cut off, and segments no
 * pointer names are deleted.
 *
 * <h2>Durability</h2>
 * An append writes its records to the segment at once (readers can read them before any sync);
 * the pointers of a plain append wait in memory, those of a rewrite are staged in MapDB.
 * {@link #sync()} forces the segments written since the last sync (and the directory, after
 * creating a segment); if anything but plain appends happened since the last commit, it then
 * puts the waiting pointers into MapDB and commits, which the journal turns into one append
 * and one fsync; so a durable pointer always names durable bytes, and a synced plain append is
 * durable as a whole record that opening adopts. One sync covers every write before it (group
 * commit). After a failed write or sync every further write and sync is refused
 * ({@link Kind#FAILED}).
 *
 * <h2>Threading</h2>
 * One writer thread; any number of readers. The bounds and the hard state are volatile
 * immutable values. A write that rewrites existing records (truncation, an overwriting append,
 * compaction) or deletes a segment holds a {@link StampedLock} for writing; readers read
 * optimistically and read again under the read lock when a rewrite overlapped them, so no read
 * mixes two versions. A plain append at the end needs no lock: its entries are invisible until
 * the bounds move. Recent runs are served from a {@link RunCache} of at most
 * {@link StorageOptions#entryCacheBytes()} bytes; a miss reads one record with one positional
 * read and checks and parses only the entry asked for.
 */
public final class MapDbLogStorage implements LogStorage {

    private static final Logger LOG = LoggerFactory.getLogger(MapDbLogStorage.class);

    /**
     * The on-disk format this class writes and reads: 3 is value segments plus an index in
     * MapDB; 2 (whole runs inside MapDB) and 1 (one record per entry) were never released.
     */
    public static final int FORMAT_VERSION = 3;
    /** The engine name in the directory's identity. */
    public static final String ENGINE = "mapdb";

    static final String RUNS_MAP = "runs";
    static final String META_MAP = "meta";
    static final String KEY_FORMAT = "format.version";
    static final String KEY_HARD_STATE = "hardState";
    static final String KEY_COMPACTED_TO = "compactedTo";
    static final String KEY_APPENDED_THROUGH = "appendedThrough";
    /** Bytes of plain appends after which a sync also commits the index, bounding what opening must scan. */
    static final long COMMIT_EVERY_BYTES = 16L << 20;
    static final int RUN_MAX_ENTRIES = 256;
    static final int RUN_MAX_BYTES = 64 << 10;

    /** The bounds of the log, published together so readers never see a torn pair. */
    private record Bounds(SnapshotMetadata compactedTo, long lastIndex) {
        long firstIndex() {
            return compactedTo.getIndex() + 1;
        }
    }

    private final Path file;
    private final DataDirectory directory;
    private final JournaledMapDb store;
    private final BTreeMap<Long, byte[]> runs;
    private final BTreeMap<String, byte[]> meta;
    private final ValueSegments segments;
    private final RunCache cache;
    /**
     * Pointers of plain appends not yet put into {@link #runs}: MapDB's B-tree insert is the
     * costliest step of an append, and a plain append needs no commit, so its pointers wait
     * here until the next commit or rewrite puts them into MapDB (put there first, then removed
     * here, so a reader always finds a pointer in one of the two).
     */
    private final ConcurrentSkipListMap<Long, RunPointer> pending = new ConcurrentSkipListMap<>();
    private final StampedLock rewriteLock = new StampedLock();

    private volatile Bounds bounds;
    private volatile HardState hardState;
    private volatile boolean closed;
    private volatile boolean failed;
    /** Writes since the last sync (writer thread only). */
    private boolean dirty;
    /** Writes since the last commit that only a commit makes durable: all but plain appends (writer only). */
    private boolean needsCommit;
    /** Record bytes of plain appends since the last commit (writer only). */
    private long uncommittedBytes;

    /** Opens (or creates) the log in {@code options.dataDir()}. */
    public MapDbLogStorage(StorageOptions options) {
        this(options, ValueSegments.DEFAULT_SEGMENT_BYTES);
    }

    /** As {@link #MapDbLogStorage(StorageOptions)}, rolling value segments at {@code segmentBytes} (for tests). */
    MapDbLogStorage(StorageOptions options, long segmentBytes) {
        Objects.requireNonNull(options, "options");
        Path dir = options.dataDir();
        this.file = LogFiles.main(dir);
        boolean identityExisted = Files.exists(dir.resolve(DataDirectory.IDENTITY_FILE));
        this.directory = DataDirectory.open(dir, ENGINE, FORMAT_VERSION, options);
        JournaledMapDb opened = null;
        ValueSegments values = null;
        try {
            if (directory.formatVersion() != FORMAT_VERSION) {
                throw new StorageException(Kind.UNSUPPORTED_FORMAT, "the log in " + dir + " is in format version "
                        + directory.formatVersion() + "; this build reads only version " + FORMAT_VERSION);
            }
            opened = LogFiles.openOrCreate(dir, identityExisted, MapDbLogStorage::initialize);
            this.store = opened;
            this.runs = runsMap(opened.db());
            this.meta = metaMap(opened.db());
            values = ValueSegments.open(dir, segmentBytes);
            this.segments = values;
            this.cache = new RunCache(options.entryCacheBytes());
            load();
        } catch (RuntimeException | InternalError e) {
            if (values != null) {
                values.close();
            }
            if (opened != null) {
                opened.close(false);
            }
            directory.close();
            throw StorageErrors.translate("open the log", file, e, true);
        }
    }

    private static BTreeMap<Long, byte[]> runsMap(DB db) {
        return db.treeMap(RUNS_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
    }

    private static BTreeMap<String, byte[]> metaMap(DB db) {
        return db.treeMap(META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    }

    private static void initialize(DB db) {
        runsMap(db);
        metaMap(db).put(KEY_FORMAT, Crc.seal(0, ByteBuffer.allocate(Integer.BYTES).putInt(FORMAT_VERSION).array()));
        metaMap(db).put(KEY_APPENDED_THROUGH, appendedThrough(1, 0));
    }

    // ------------------------------------------------------------------ opening

    private void load() {
        byte[] version = Crc.unsealOrNull(0, meta.get(KEY_FORMAT));
        if (version == null) {
            throw new StorageException(Kind.CORRUPT, "meta key " + KEY_FORMAT + " in " + file
                    + " is missing or fails its checksum; the file is damaged");
        }
        int v = version.length == Integer.BYTES ? ByteBuffer.wrap(version).getInt() : -1;
        if (v != FORMAT_VERSION) {
            throw new StorageException(Kind.UNSUPPORTED_FORMAT, file + " has format version " + v
                    + ", but this build of MapDbLogStorage reads only version " + FORMAT_VERSION);
        }
        this.hardState = readMeta(KEY_HARD_STATE, HardState.parser(), HardState.getDefaultInstance());
        SnapshotMetadata compactedTo = readMeta(KEY_COMPACTED_TO, SnapshotMetadata.parser(),
                SnapshotMetadata.getDefaultInstance());
        this.bounds = new Bounds(compactedTo, verifyRuns(compactedTo.getIndex()));
        LOG.debug("opened {}: compactedTo {}, lastIndex {}", file, compactedTo.getIndex(), bounds.lastIndex());
    }

    private <T extends MessageLite> T readMeta(String key, Parser<T> parser, T absent) {
        byte[] record = meta.get(key);
        if (record == null) {
            return absent;
        }
        byte[] payload = Crc.unsealOrNull(0, record);
        if (payload == null) {
            throw new StorageException(Kind.CORRUPT, "meta key " + key + " in " + file + " fails its CRC32C checksum");
        }
        try {
            return parser.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException(Kind.CORRUPT, "meta key " + key + " in " + file + " does not parse", e);
        }
    }

    /**
     * Checks every pointer, every record it names and their contiguity after
     * {@code compactedTo}; cuts a bad last record off; counts the live records per segment and
     * cuts the active segment after the last one. Returns the last index.
     */
    private long verifyRuns(long compactedTo) {
        long last = compactedTo;
        if (!runs.isEmpty()) {
            last = verifyRecords(compactedTo, runs.lastKey());
        }
        return recoverTail(last);
    }

    /**
     * Adopts the records of plain appends made after the last commit: a sync of plain appends
     * forces only the segment, so their pointers may not be in the index. From where the last
     * commit left the active segment ({@value #KEY_APPENDED_THROUGH}) on, every whole record
     * that continues the log exactly (its first index is the last index + 1) is taken, in
     * order; the first that is torn, fails a check or does not continue the log ends it, and
     * everything after it is cut off.
     *
     * <p>Only continuations are adopted: a record that starts inside the log was written by a
     * rewrite (an overwriting append, a truncation or compaction that cut a run), and every
     * rewrite makes the next sync commit, so a rewrite found here was never synced, and
     * neither was anything after it. Adopting it would apply half an operation (the trimmed
     * part of a run without the entries that were to follow). Returns the last index.
     */
    private long recoverTail(long last) {
        long[] from = readAppendedThrough();
        long segment = from[0];
        long offset = from[1];
        TreeSet<Long> files = segments.numbers();
        if (!files.contains(segment) && (offset > 0 || files.higher(segment) != null)) {
            throw segments.missing(segment); // the segment the last commit appended to
        }
        List<Run> adopted = new ArrayList<>();
        long end = last;
        while (true) {
            Run r = segments.readWholeRecordAt(segment, offset);
            if (r == null) {
                Long next = files.higher(segment);
                if (next != null && offset == segments.size(segment)) {
                    segment = next;
                    offset = 0;
                    continue;
                }
                break;
            }
            if (r.first() != end + 1) {
                break; // a rewrite that was never synced (see above)
            }
            adopted.add(r);
            end = r.last();
            offset += r.where().length();
        }
        segments.finishOpen(segment, offset);
        for (Run r : adopted) {
            putPointer(r.first(), r.where());
            last = r.last();
        }
        if (!adopted.isEmpty() || segment != from[0] || offset != from[1]) {
            if (!adopted.isEmpty()) {
                LOG.info("{}: recovered {} records (entries {}..{}) appended and synced after the last commit", file,
                        adopted.size(), adopted.get(0).first(), last);
            }
            commitDurably();
        }
        segments.deleteUnreferenced();
        return last;
    }

    private long[] readAppendedThrough() {
        byte[] payload = Crc.unsealOrNull(0, meta.get(KEY_APPENDED_THROUGH));
        if (payload == null || payload.length != 2 * Long.BYTES) {
            throw new StorageException(Kind.CORRUPT, "meta key " + KEY_APPENDED_THROUGH + " in " + file
                    + " is missing or fails its checksum; the file is damaged: restore this node from a replica");
        }
        ByteBuffer buf = ByteBuffer.wrap(payload);
        return new long[] {buf.getLong(), buf.getLong()};
    }

    private static byte[] appendedThrough(long segment, long offset) {
        return Crc.seal(0, ByteBuffer.allocate(2 * Long.BYTES).putLong(segment).putLong(offset).array());
    }

    /**
     * Forces every record written so far, then commits the index with where the active
     * segment ends: a durable pointer always names durable bytes, and opening scans for
     * unindexed records only after that point.
     */
    private void commitDurably() {
        indexPending();
        segments.force();
        meta.put(KEY_APPENDED_THROUGH, appendedThrough(segments.active(), segments.activeEnd()));
        store.commit();
        needsCommit = false;
        uncommittedBytes = 0;
    }

    private long verifyRecords(long compactedTo, long lastKey) {
        long expected = compactedTo + 1;
        Iterator<Map.Entry<Long, byte[]>> it = runs.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, byte[]> e = it.next();
            long key = e.getKey();
            if (key != expected) {
                throw new StorageException(Kind.CORRUPT, "run " + key + " in " + file + " should start at entry " + expected
                        + (key > expected ? ": entries " + expected + ".." + (key - 1) + " are missing" : ": runs overlap")
                        + "; the log is damaged: restore this node from a replica");
            }
            RunPointer p = RunPointer.decodeOrNull(key, e.getValue());
            if (p == null) {
                if (key != lastKey) {
                    throw new StorageException(Kind.CORRUPT, "the pointer of run " + key + " in " + file
                            + " fails its CRC32C checksum; it is not the last record, so the log is damaged: "
                            + "restore this node from a replica");
                }
                cutTornTail(key, null, "has a pointer (in " + file + ") that fails its CRC32C checksum");
                return key - 1;
            }
            if (!segments.exists(p.segment())) {
                throw segments.missing(p.segment());
            }
            try {
                Run run = Run.of(key, p, segments.read(p));
                run.checkAll();
                if (key == lastKey) {
                    for (long i = run.first(); i <= run.last(); i++) {
                        run.entry(i); // parses: the tail is what a crash or a bug would have hit
                    }
                }
            } catch (SegmentRecord.BadRecordException bad) {
                String where = describe(key, p) + " " + bad.getMessage();
                if (key != lastKey) {
                    throw new StorageException(Kind.CORRUPT, where + "; it is not the last record, so the log is damaged: "
                            + "restore this node from a replica (wipe its data directory)", bad);
                }
                cutTornTail(key, p, where);
                return key - 1;
            }
            segments.retain(p.segment());
            expected = key + p.count();
        }
        return expected - 1;
    }

    /**
     * Removes the bad last record {@code key} (at {@code p}, if its pointer is readable) and
     * commits. When it was the last record written before the last commit, appending resumes
     * where it started, so its bytes are cut off too.
     */
    private void cutTornTail(long key, RunPointer p, String why) {
        LOG.warn("{}: the last record, {}; removing it and keeping entries up to {}", file, why, key - 1);
        runs.remove(key);
        long[] through = readAppendedThrough();
        if (p != null && through[0] == p.segment() && through[1] == p.end()) {
            meta.put(KEY_APPENDED_THROUGH, appendedThrough(p.segment(), p.offset()));
        }
        store.commit();
    }

    /** "run K (entries K..L) at byte O of FILE": where a record is, for messages. */
    private String describe(long key, RunPointer p) {
        return "run " + key + " (entries from " + key + " on, " + p.count() + " of them) at byte " + p.offset() + " of "
                + segments.path(p.segment());
    }

    // ------------------------------------------------------------------ reads

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public SnapshotMetadata compactedTo() {
        return bounds.compactedTo();
    }

    @Override
    public long firstIndex() {
        return bounds.firstIndex();
    }

    @Override
    public long lastIndex() {
        return bounds.lastIndex();
    }

    @Override
    public long term(long index) {
        return consistently(() -> {
            Bounds b = bounds;
            SnapshotMetadata c = b.compactedTo();
            if (index < c.getIndex()) {
                throw new LogCompactedException(index, b.firstIndex());
            }
            if (index == c.getIndex()) {
                return c.getTerm();
            }
            if (index > b.lastIndex()) {
                throw new IndexOutOfBoundsException("index " + index + " is past the last index " + b.lastIndex());
            }
            Run run = runAt(index);
            if (run == null) {
                throw missing(index);
            }
            return entryOf(run, index).getTerm();
        });
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return consistently(() -> {
            Bounds b = bounds;
            LogRanges.checkEntries(lo, hi, b.firstIndex(), b.lastIndex());
            if (lo == hi) {
                return Collections.emptyList();
            }
            List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
            long bytes = 0;
            long i = lo;
            while (i < hi) {
                Run run = runAt(i);
                if (run == null) {
                    throw missing(i);
                }
                for (; i < hi && i <= run.last(); i++) {
                    Entry e = entryOf(run, i);
                    long size = e.getSerializedSize();
                    if (!out.isEmpty() && bytes + size > maxBytes) {
                        return out;
                    }
                    out.add(e);
                    bytes += size;
                }
            }
            return out;
        });
    }

    /**
     * Runs {@code read} without blocking; if a rewrite overlapped it, runs it again under the
     * read lock, which waits for the rewrite to finish.
     */
    private <T> T consistently(Supplier<T> read) {
        long stamp = rewriteLock.tryOptimisticRead();
        if (stamp != 0) {
            try {
                T result = read.get();
                if (rewriteLock.validate(stamp)) {
                    return result;
                }
            } catch (RuntimeException e) {
                if (rewriteLock.validate(stamp)) {
                    throw e;
                }
            }
        }
        stamp = rewriteLock.readLock();
        try {
            return read.get();
        } finally {
            rewriteLock.unlockRead(stamp);
        }
    }

    /**
     * The run holding {@code index}, from the cache or read from its segment (one positional
     * read of its record; its entries are checked and parsed only when asked for); {@code null}
     * if none.
     */
    private Run runAt(long index) {
        Run cached = cache.find(index);
        if (cached != null) {
            return cached;
        }
        long generation = cache.generation();
        Map.Entry<Long, RunPointer> unindexed = pending.floorEntry(index);
        long key;
        RunPointer p;
        if (unindexed != null && index < unindexed.getKey() + unindexed.getValue().count()) {
            key = unindexed.getKey();
            p = unindexed.getValue();
        } else {
            Map.Entry<Long, byte[]> found;
            try {
                found = runs.floorEntry(index); // one walk down the B-tree
            } catch (RuntimeException | InternalError e) {
                throw StorageErrors.translate("read entry " + index + " from", file, e, true);
            }
            if (found == null || found.getValue() == null) {
                return null;
            }
            key = found.getKey();
            p = RunPointer.decodeOrNull(key, found.getValue());
            if (p == null) {
                throw new StorageException(Kind.CORRUPT, "the pointer of run " + key + " in " + file
                        + " fails its CRC32C checksum (reading entry " + index + "); the log is damaged");
            }
        }
        if (index >= key + p.count()) {
            return null;
        }
        Run run;
        try {
            run = Run.of(key, p, segments.read(p));
        } catch (SegmentRecord.BadRecordException bad) {
            throw new StorageException(Kind.CORRUPT, describe(key, p) + " " + bad.getMessage() + " (reading entry " + index
                    + "); the log is damaged: restore this node from a replica", bad);
        }
        cache.offer(generation, run);
        return run;
    }

    /** Entry {@code index} of {@code run}, checked; {@code CORRUPT} (naming file and offset) if it fails. */
    private Entry entryOf(Run run, long index) {
        try {
            return run.entry(index);
        } catch (SegmentRecord.BadRecordException bad) {
            throw new StorageException(Kind.CORRUPT, describe(run.first(), run.where()) + " " + bad.getMessage()
                    + "; the log is damaged: restore this node from a replica", bad);
        }
    }

    private RuntimeException missing(long index) {
        Bounds now = bounds;
        if (index < now.firstIndex()) {
            return new LogCompactedException(index, now.firstIndex());
        }
        if (index > now.lastIndex()) {
            return new IndexOutOfBoundsException("index " + index + " is past the last index " + now.lastIndex());
        }
        return new StorageException(Kind.CORRUPT, "no run in " + file + " holds entry " + index + " (log ["
                + now.firstIndex() + ", " + now.lastIndex() + "]); the file is damaged");
    }

    // ------------------------------------------------------------------ writes (one thread)

    @Override
    public void setHardState(HardState hs) {
        Objects.requireNonNull(hs, "hardState");
        checkWritable();
        try {
            meta.put(KEY_HARD_STATE, Crc.seal(0, hs.toByteArray()));
        } catch (RuntimeException | InternalError e) {
            throw fail("write the hard state to", e);
        }
        dirty = true;
        needsCommit = true;
        this.hardState = hs;
    }

    @Override
    public void append(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).getIndex();
        for (int k = 1; k < batch.size(); k++) {
            if (batch.get(k).getIndex() != first + k) {
                throw new IllegalArgumentException("entries are not contiguous: " + batch.get(k).getIndex()
                        + " at position " + k + " after a first index of " + first);
            }
        }
        Bounds b = bounds;
        int skip = (int) Math.max(0, Math.min(batch.size(), b.firstIndex() - first));
        if (skip == batch.size()) {
            return; // wholly covered by the snapshot
        }
        long from = first + skip;
        if (from > b.lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + from + " would leave a gap after the last index "
                    + b.lastIndex());
        }
        checkWritable();
        List<Entry> added = batch.subList(skip, batch.size());
        long last = added.get(added.size() - 1).getIndex();
        dirty = true;
        if (from > b.lastIndex()) {
            try {
                putRuns(added, true);
            } catch (RuntimeException | InternalError e) {
                throw fail("append entries from " + from + " to", e);
            }
            bounds = new Bounds(b.compactedTo(), last);
            return;
        }
        needsCommit = true;
        long stamp = rewriteLock.writeLock();
        try {
            bounds = new Bounds(b.compactedTo(), from - 1); // hide the suffix before replacing it
            removeFrom(from);
            putRuns(added, false);
            bounds = new Bounds(b.compactedTo(), last);
        } catch (RuntimeException | InternalError e) {
            throw fail("overwrite entries from " + from + " in", e);
        } finally {
            rewriteLock.unlockWrite(stamp);
        }
    }

    /**
     * Writes {@code entries} as records of bounded size, points at them and caches them. The
     * pointers of a plain append ({@code plain}) wait in {@link #pending}; others go to MapDB.
     */
    private void putRuns(List<Entry> entries, boolean plain) {
        int start = 0;
        while (start < entries.size()) {
            int end = start;
            long bytes = 0;
            while (end < entries.size() && end - start < RUN_MAX_ENTRIES
                    && (end == start || bytes + entries.get(end).getSerializedSize() <= RUN_MAX_BYTES)) {
                bytes += entries.get(end).getSerializedSize();
                end++;
            }
            List<Entry> part = entries.subList(start, end);
            long first = part.get(0).getIndex();
            byte[] record = SegmentRecord.encode(part);
            RunPointer p = segments.append(record, part.size());
            if (plain) {
                uncommittedBytes += record.length;
                segments.retain(p.segment());
                pending.put(first, p);
            } else {
                putPointer(first, p);
            }
            try {
                cache.add(Run.of(first, p, record));
            } catch (SegmentRecord.BadRecordException e) {
                throw new IllegalStateException("a record just encoded does not check out", e);
            }
            start = end;
        }
    }

    /** Writes {@code record} (a trimmed run of {@code count} entries from {@code first}) and points at it. */
    private void rewrite(long first, int count, byte[] record) {
        putPointer(first, segments.append(record, count));
    }

    private void putPointer(long key, RunPointer p) {
        byte[] old = runs.put(key, p.encode(key));
        segments.retain(p.segment());
        released(key, old);
    }

    /** Removes every pointer in {@code part} (a view of {@link #runs}). */
    private void removePointers(Map<Long, byte[]> part) {
        for (Map.Entry<Long, byte[]> e : part.entrySet()) {
            released(e.getKey(), e.getValue());
        }
        part.clear();
    }

    /** Counts a stored pointer as gone. One that fails its checksum names no segment we can trust: never released. */
    private void released(long key, byte[] stored) {
        RunPointer old = stored == null ? null : RunPointer.decodeOrNull(key, stored);
        if (old != null) {
            segments.release(old.segment());
        }
    }

    /** Puts the {@link #pending} pointers into MapDB: before a commit, and before a rewrite changes the runs. */
    private void indexPending() {
        for (Map.Entry<Long, RunPointer> e = pending.firstEntry(); e != null; e = pending.firstEntry()) {
            byte[] old = runs.put(e.getKey(), e.getValue().encode(e.getKey()));
            released(e.getKey(), old);
            pending.remove(e.getKey());
        }
    }

    /** Removes every entry from {@code index} on: trims the run holding it, drops the runs after. Write-locked. */
    private void removeFrom(long index) {
        indexPending();
        Run holder = runAt(index);
        if (holder != null && holder.first() < index) {
            rewrite(holder.first(), (int) (index - holder.first()), holder.recordBefore(index));
        }
        removePointers(runs.tailMap(index, true));
        cache.invalidateFrom(index);
    }

    @Override
    public void truncateSuffix(long fromIndex) {
        Bounds b = bounds;
        if (fromIndex < b.firstIndex()) {
            throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": the log starts at "
                    + b.firstIndex());
        }
        if (fromIndex > b.lastIndex()) {
            return;
        }
        checkWritable();
        dirty = true;
        needsCommit = true;
        long stamp = rewriteLock.writeLock();
        try {
            bounds = new Bounds(b.compactedTo(), fromIndex - 1);
            removeFrom(fromIndex);
        } catch (RuntimeException | InternalError e) {
            throw fail("truncate from " + fromIndex + " in", e);
        } finally {
            rewriteLock.unlockWrite(stamp);
        }
    }

    @Override
    public void compactPrefix(SnapshotMetadata snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        Bounds b = bounds;
        long index = snapshot.getIndex();
        if (index <= b.compactedTo().getIndex()) {
            return;
        }
        checkWritable();
        // Only this thread writes, so reading before taking the lock is consistent.
        boolean holds = index <= b.lastIndex() && term(index) == snapshot.getTerm();
        dirty = true;
        needsCommit = true;
        long stamp = rewriteLock.writeLock();
        try {
            indexPending();
            bounds = new Bounds(snapshot, holds ? b.lastIndex() : index);
            meta.put(KEY_COMPACTED_TO, Crc.seal(0, snapshot.toByteArray()));
            if (holds) {
                Run holder = index < b.lastIndex() ? runAt(index + 1) : null;
                if (holder != null && holder.first() <= index) {
                    rewrite(index + 1, (int) (holder.last() - index), holder.recordFrom(index + 1));
                }
                removePointers(runs.headMap(index, true));
                cache.invalidateThrough(index);
            } else {
                removePointers(runs);
                cache.clear();
            }
        } catch (RuntimeException | InternalError e) {
            throw fail("compact to " + index + " in", e);
        } finally {
            rewriteLock.unlockWrite(stamp);
        }
    }

    /**
     * Forces the segments written since the last sync. When anything but plain appends happened
     * since the last commit (the hard state, a truncation, a compaction, an overwrite), or
     * {@value #COMMIT_EVERY_BYTES} bytes were appended, also commits the index
     * ({@link #commitDurably}); plain appends need no commit to be durable, since opening adopts
     * the whole records after the last commit point. After a commit, deletes the segments no
     * pointer names any more.
     */
    @Override
    public void sync() {
        checkWritable();
        if (!dirty) {
            return;
        }
        boolean commit = needsCommit || uncommittedBytes >= COMMIT_EVERY_BYTES;
        try {
            if (commit) {
                commitDurably();
            } else {
                segments.force();
            }
        } catch (RuntimeException | InternalError e) {
            throw fail("sync", e);
        }
        dirty = false;
        if (commit && segments.hasUnreferenced()) {
            // The commit that dropped their last pointers is durable: free their space. Readers
            // are held off so that none reads a segment while it goes.
            long stamp = rewriteLock.writeLock();
            try {
                segments.deleteUnreferenced();
            } finally {
                rewriteLock.unlockWrite(stamp);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!failed && !dirty && uncommittedBytes > 0) {
                commitDurably(); // everything is synced: index it, so the next open has nothing to scan
            }
        } catch (RuntimeException | InternalError e) {
            LOG.warn("{}: indexing the synced appends on close failed; the next open recovers them", file, e);
        }
        try {
            segments.close(!failed);
            store.close(!failed);
        } finally {
            directory.close();
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("MapDbLogStorage " + file + " is closed");
        }
        if (failed) {
            throw new StorageException(Kind.FAILED, "MapDbLogStorage " + file
                    + " failed earlier; its unsynced state is unknown: restart the node");
        }
    }

    private StorageException fail(String what, Throwable cause) {
        failed = true;
        return StorageErrors.translate(what, file, cause, false);
    }

    // ------------------------------------------------------------------ for tests

    /** The MapDB database, so tests can damage records the way a bug or a bad disk would. */
    DB databaseForTests() {
        return store.db();
    }

    /** Closes the files as a kill -9 would leave them: nothing committed, nothing cut. */
    void abandonForTests() {
        closed = true;
        segments.close(false);
        store.close(false);
        directory.close();
    }

    /** The value segments, so tests can check what is live. */
    ValueSegments segmentsForTests() {
        return segments;
    }

    /** The cache, so tests can check its bound. */
    RunCache cacheForTests() {
        return cache;
    }
}
