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
 * A durable {@link LogStorage} in one MapDB 3 file, made crash-safe by a redo journal.
 *
 * <h2>Files (format version {@value #FORMAT_VERSION})</h2>
 * {@code options.dataDir()} is claimed as a {@link DataDirectory} for engine {@value #ENGINE}
 * and holds {@value LogFiles#MAIN} (MapDB) and {@value LogFiles#JOURNAL} ({@link RedoJournal}).
 * The MapDB file has two B-trees:
 * <ul>
 *   <li>{@value #RUNS_MAP}: {@code long firstIndex -> run record} ({@link RunCodec}): the
 *       entries of one append, each framed with its index, term and length, and a CRC32C over
 *       the record; at most {@value #RUN_MAX_ENTRIES} entries or {@value #RUN_MAX_BYTES} bytes
 *       per record. Runs are contiguous: each starts right after the previous one ends, and the
 *       first starts at {@link #firstIndex()};</li>
 *   <li>{@value #META_MAP}: {@value #KEY_FORMAT} (int), {@value #KEY_HARD_STATE}
 *       ({@link HardState}) and {@value #KEY_COMPACTED_TO} ({@link SnapshotMetadata}), each
 *       followed by a CRC32C.</li>
 * </ul>
 *
 * <h2>Opening</h2>
 * The journal is replayed, then every run record is checked (checksum, frames, contiguity). A
 * bad record at the end of the log is cut off, committed and logged at WARN; a bad record
 * anywhere else, or a gap, is a {@link Kind#CORRUPT} error naming the key and the file.
 *
 * <h2>Durability</h2>
 * Writes are staged by MapDB; {@link #sync()} is one MapDB commit, which the journal turns into
 * one append and one fsync, covering every write since the previous sync (group commit). After
 * a failed write or sync every further write and sync is refused ({@link Kind#FAILED}).
 *
 * <h2>Threading</h2>
 * One writer thread; any number of readers. The bounds and the hard state are volatile
 * immutable values. A write that rewrites existing records (truncation, an overwriting append,
 * compaction) holds a {@link StampedLock} for writing; readers read optimistically and read
 * again under the read lock when a rewrite overlapped them, so no read mixes two versions. A
 * plain append at the end needs no lock: its entries are invisible until the bounds move.
 * Recent runs are served from a {@link RunCache} of at most
 * {@link StorageOptions#entryCacheBytes()} bytes.
 */
public final class MapDbLogStorage implements LogStorage {

    private static final Logger LOG = LoggerFactory.getLogger(MapDbLogStorage.class);

    /** The on-disk format this class writes and reads (1 was one record per entry, never released with an identity). */
    public static final int FORMAT_VERSION = 2;
    /** The engine name in the directory's identity. */
    public static final String ENGINE = "mapdb";

    static final String RUNS_MAP = "runs";
    static final String META_MAP = "meta";
    static final String KEY_FORMAT = "format.version";
    static final String KEY_HARD_STATE = "hardState";
    static final String KEY_COMPACTED_TO = "compactedTo";
    static final int RUN_MAX_ENTRIES = 4096;
    static final int RUN_MAX_BYTES = 1 << 20;

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
    private final RunCache cache;
    private final StampedLock rewriteLock = new StampedLock();

    private volatile Bounds bounds;
    private volatile HardState hardState;
    private volatile boolean closed;
    private volatile boolean failed;
    /** Writes since the last commit (writer thread only). */
    private boolean dirty;

    /** Opens (or creates) the log in {@code options.dataDir()}. */
    public MapDbLogStorage(StorageOptions options) {
        Objects.requireNonNull(options, "options");
        Path dir = options.dataDir();
        this.file = LogFiles.main(dir);
        boolean identityExisted = Files.exists(dir.resolve(DataDirectory.IDENTITY_FILE));
        this.directory = DataDirectory.open(dir, ENGINE, FORMAT_VERSION, options);
        JournaledMapDb opened = null;
        try {
            if (directory.formatVersion() != FORMAT_VERSION) {
                throw new StorageException(Kind.UNSUPPORTED_FORMAT, "the log in " + dir + " is in format version "
                        + directory.formatVersion() + "; this build reads only version " + FORMAT_VERSION);
            }
            opened = LogFiles.openOrCreate(dir, identityExisted, MapDbLogStorage::initialize);
            this.store = opened;
            this.runs = runsMap(opened.db());
            this.meta = metaMap(opened.db());
            this.cache = new RunCache(options.entryCacheBytes());
            load();
        } catch (RuntimeException | InternalError e) {
            if (opened != null) {
                opened.close(false);
            }
            directory.close();
            throw StorageErrors.translate("open the log", file, e, true);
        }
    }

    private static BTreeMap<Long, byte[]> runsMap(DB db) {
        return db.treeMap(RUNS_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().createOrOpen();
    }

    private static BTreeMap<String, byte[]> metaMap(DB db) {
        return db.treeMap(META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    }

    private static void initialize(DB db) {
        runsMap(db);
        metaMap(db).put(KEY_FORMAT, Crc.seal(0, ByteBuffer.allocate(Integer.BYTES).putInt(FORMAT_VERSION).array()));
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
     * Checks every run record and their contiguity after {@code compactedTo}; cuts a bad last
     * record off. Returns the last index.
     */
    private long verifyRuns(long compactedTo) {
        if (runs.isEmpty()) {
            return compactedTo;
        }
        long lastKey = runs.lastKey();
        long expected = compactedTo + 1;
        Iterator<Map.Entry<Long, byte[]>> it = runs.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, byte[]> e = it.next();
            long key = e.getKey();
            if (key != expected) {
                throw new StorageException(Kind.CORRUPT, "run " + key + " in " + file + " should start at entry " + expected
                        + (key > expected ? ": entries " + expected + ".." + (key - 1) + " are missing" : ": runs overlap")
                        + "; the file is damaged");
            }
            try {
                if (key == lastKey) {
                    expected = RunCodec.decode(key, e.getValue()).last() + 1;
                } else {
                    expected = key + RunCodec.check(key, e.getValue());
                }
            } catch (RunCodec.BadRunException bad) {
                if (key != lastKey) {
                    throw new StorageException(Kind.CORRUPT, "run " + key + " in " + file + " " + bad.getMessage()
                            + "; it is not the last record, so the file is damaged: restore this node from a replica", bad);
                }
                cutTornTail(key, bad);
                return key - 1;
            }
        }
        return expected - 1;
    }

    private void cutTornTail(long key, RunCodec.BadRunException why) {
        LOG.warn("{}: the last record, run {} (entries from {} on), {}; removing it and keeping entries up to {}",
                file, key, key, why.getMessage(), key - 1);
        runs.remove(key);
        store.commit();
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
            return run.entry(index).getTerm();
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
                    Entry e = run.entry(i);
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

    /** The run holding {@code index}, from the cache or decoded from MapDB; {@code null} if none. */
    private Run runAt(long index) {
        Run cached = cache.find(index);
        if (cached != null) {
            return cached;
        }
        long generation = cache.generation();
        Long key;
        byte[] record;
        try {
            key = runs.floorKey(index);
            record = key == null ? null : runs.get(key);
        } catch (RuntimeException | InternalError e) {
            throw StorageErrors.translate("read entry " + index + " from", file, e, true);
        }
        if (record == null) {
            return null;
        }
        Run run;
        try {
            run = RunCodec.decode(key, record);
        } catch (RunCodec.BadRunException bad) {
            throw new StorageException(Kind.CORRUPT, "run " + key + " in " + file + " " + bad.getMessage()
                    + " (reading entry " + index + "); the file is damaged", bad);
        }
        if (!run.contains(index)) {
            return null;
        }
        cache.offer(generation, run);
        return run;
    }

    private RuntimeException missing(long index) {
        Bounds now = bounds;
        if (index < now.firstIndex()) {
            return new LogCompactedException(index, now.firstIndex());
        }
        if (index > now.lastIndex()) {
            return new IndexOutOfBoundsException("index " + index + " is past the last index " + now.lastIndex());
        }
        return new StorageException(Kind.CORRUPT, "no record in " + file + " holds entry " + index + " (log ["
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
                putRuns(added);
            } catch (RuntimeException | InternalError e) {
                throw fail("append entries from " + from + " to", e);
            }
            bounds = new Bounds(b.compactedTo(), last);
            return;
        }
        long stamp = rewriteLock.writeLock();
        try {
            bounds = new Bounds(b.compactedTo(), from - 1); // hide the suffix before replacing it
            removeFrom(from);
            putRuns(added);
            bounds = new Bounds(b.compactedTo(), last);
        } catch (RuntimeException | InternalError e) {
            throw fail("overwrite entries from " + from + " in", e);
        } finally {
            rewriteLock.unlockWrite(stamp);
        }
    }

    /** Stores {@code entries} as runs of bounded size and caches them. */
    private void putRuns(List<Entry> entries) {
        int start = 0;
        while (start < entries.size()) {
            int end = start;
            long bytes = 0;
            while (end < entries.size() && end - start < RUN_MAX_ENTRIES
                    && (end == start || bytes + entries.get(end).getSerializedSize() <= RUN_MAX_BYTES)) {
                bytes += entries.get(end).getSerializedSize();
                end++;
            }
            Run run = Run.of(entries.subList(start, end));
            runs.put(run.first(), RunCodec.encode(run));
            cache.add(run);
            start = end;
        }
    }

    /** Removes every entry from {@code index} on: trims the run holding it, drops the runs after. Write-locked. */
    private void removeFrom(long index) {
        Run holder = runAt(index);
        if (holder != null && holder.first() < index) {
            runs.put(holder.first(), RunCodec.encode(holder.before(index)));
        }
        runs.tailMap(index, true).clear();
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
        long stamp = rewriteLock.writeLock();
        try {
            bounds = new Bounds(snapshot, holds ? b.lastIndex() : index);
            meta.put(KEY_COMPACTED_TO, Crc.seal(0, snapshot.toByteArray()));
            if (holds) {
                Run holder = index < b.lastIndex() ? runAt(index + 1) : null;
                if (holder != null && holder.first() <= index) {
                    Run rest = holder.from(index + 1);
                    runs.put(rest.first(), RunCodec.encode(rest));
                }
                runs.headMap(index, true).clear();
                cache.invalidateThrough(index);
            } else {
                runs.clear();
                cache.clear();
            }
        } catch (RuntimeException | InternalError e) {
            throw fail("compact to " + index + " in", e);
        } finally {
            rewriteLock.unlockWrite(stamp);
        }
    }

    @Override
    public void sync() {
        checkWritable();
        if (!dirty) {
            return;
        }
        try {
            store.commit();
        } catch (RuntimeException | InternalError e) {
            throw fail("commit", e);
        }
        dirty = false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
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

    /** The cache, so tests can check its bound. */
    RunCache cacheForTests() {
        return cache;
    }
}
