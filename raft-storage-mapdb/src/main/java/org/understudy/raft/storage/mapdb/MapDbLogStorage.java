package org.understudy.raft.storage.mapdb;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageException;

/**
 * A durable {@link LogStorage} in one MapDB 3 file with its write-ahead log.
 *
 * <h2>Format (version {@value #FORMAT_VERSION})</h2>
 * The file {@value #FILE_NAME} in the given directory holds two B-trees:
 * <ul>
 *   <li>{@value #ENTRIES_MAP}: {@code long index -> record}, where a record is the serialized
 *       {@link Entry} followed by a big-endian CRC32C of the 8-byte big-endian index and that
 *       payload; values are kept outside the tree nodes so large entries are not rewritten with
 *       their neighbours;</li>
 *   <li>{@value #META_MAP}: {@code String -> record} for {@value #KEY_FORMAT} (a 4-byte int),
 *       {@value #KEY_HARD_STATE} ({@link HardState}) and {@value #KEY_COMPACTED_TO}
 *       ({@link SnapshotMetadata}); the checksum covers a zero index there.</li>
 * </ul>
 * A record that fails its checksum or does not parse is a {@link StorageException} naming the
 * key; it is never skipped. An unknown format version is refused on open.
 *
 * <h2>Durability</h2>
 * Writes go to MapDB's transaction and are durable only after {@link #sync()}, which is one
 * {@code commit()} covering every write since the previous one (group commit). After a failed
 * sync the storage refuses every further write and sync.
 *
 * <h2>Threading</h2>
 * One writer, any number of concurrent readers. The bounds ({@code compactedTo} and
 * {@code lastIndex}) are published together in one volatile immutable object, the hard state in
 * another. The writer lowers the published bounds before it removes entries and raises them only
 * after it has put new ones, so a reader never trusts an index the map does not hold; an entry
 * that vanished under a reader is reported as {@link LogCompactedException} when it lies below
 * the (re-read) first index. Before it removes or replaces a suffix the writer bumps a volatile
 * counter; {@link #entries} reads again when the counter moved, so a multi-entry read is never a
 * mix of an old and a new suffix. Nothing is cached on the heap beyond these few objects.
 */
public final class MapDbLogStorage implements LogStorage {

    private static final Logger LOG = LoggerFactory.getLogger(MapDbLogStorage.class);

    /** The on-disk format this class writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final String FILE_NAME = "raft-log.mapdb";
    static final String ENTRIES_MAP = "entries";
    static final String META_MAP = "meta";
    static final String KEY_FORMAT = "format.version";
    static final String KEY_HARD_STATE = "hardState";
    static final String KEY_COMPACTED_TO = "compactedTo";

    private static final int CRC_BYTES = 4;

    /** The bounds of the log, published together so readers never see a torn pair. */
    private record Bounds(SnapshotMetadata compactedTo, long lastIndex) {
        long firstIndex() {
            return compactedTo.getIndex() + 1;
        }
    }

    private final Path file;
    private final DB db;
    private final BTreeMap<Long, byte[]> entries;
    private final BTreeMap<String, byte[]> meta;

    private volatile Bounds bounds;
    private volatile HardState hardState;
    /** Bumped by the writer before it removes or replaces a suffix (a sequence lock for readers). */
    private volatile long rewrites;
    private volatile boolean closed;
    private volatile boolean failed;

    /** Opens (or creates) the log in {@code dir}. */
    public MapDbLogStorage(Path dir) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create " + dir, e);
        }
        this.file = dir.resolve(FILE_NAME);
        DB opened;
        try {
            opened = DBMaker.fileDB(file.toFile())
                    .transactionEnable()
                    .fileMmapEnableIfSupported()
                    .make();
        } catch (RuntimeException e) {
            throw new StorageException("cannot open MapDB log " + file + ": " + e, e);
        }
        this.db = opened;
        try {
            this.entries = db.treeMap(ENTRIES_MAP, Serializer.LONG, Serializer.BYTE_ARRAY)
                    .valuesOutsideNodesEnable()
                    .createOrOpen();
            this.meta = db.treeMap(META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
            load();
        } catch (RuntimeException e) {
            closeQuietly();
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException("cannot read MapDB log " + file + ": " + e, e);
        }
    }

    private void load() {
        byte[] version = meta.get(KEY_FORMAT);
        if (version == null) {
            if (!entries.isEmpty() || !meta.isEmpty()) {
                throw new StorageException(file + " holds Raft log data but no format version; refusing to open it");
            }
            meta.put(KEY_FORMAT, seal(0, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array()));
            db.commit();
        } else {
            byte[] payload = unseal(0, version, "meta key " + KEY_FORMAT);
            int v = payload.length == 4 ? ByteBuffer.wrap(payload).getInt() : -1;
            if (v != FORMAT_VERSION) {
                throw new StorageException(file + " has format version " + v
                        + ", but this build of MapDbLogStorage reads only version " + FORMAT_VERSION);
            }
        }
        byte[] hs = meta.get(KEY_HARD_STATE);
        this.hardState = hs == null ? HardState.getDefaultInstance() : parseHardState(hs);
        byte[] ct = meta.get(KEY_COMPACTED_TO);
        SnapshotMetadata compactedTo = ct == null ? SnapshotMetadata.getDefaultInstance() : parseSnapshot(ct);
        long last = compactedTo.getIndex();
        if (!entries.isEmpty()) {
            long firstKey = entries.firstKey();
            long lastKey = entries.lastKey();
            if (firstKey != compactedTo.getIndex() + 1) {
                throw new StorageException(file + " is inconsistent: first entry " + firstKey
                        + " but compacted to " + compactedTo.getIndex());
            }
            last = lastKey;
        }
        this.bounds = new Bounds(compactedTo, last);
        LOG.debug("opened {}: compactedTo {}, lastIndex {}", file, compactedTo.getIndex(), last);
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
        Entry e = read(index);
        if (e == null) {
            throw missing(index);
        }
        return e.getTerm();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        while (true) {
            long seq = rewrites;
            List<Entry> out = tryEntries(lo, hi, maxBytes, seq);
            if (out != null && rewrites == seq) {
                return out;
            }
            // A suffix was removed or replaced while we read: read again so the result is all
            // before or all after that write, never a mix.
        }
    }

    /** One attempt; {@code null} when a concurrent rewrite of the suffix spoiled it. */
    private List<Entry> tryEntries(long lo, long hi, long maxBytes, long seq) {
        Bounds b = bounds;
        if (lo < b.firstIndex()) {
            throw new LogCompactedException(lo, b.firstIndex());
        }
        if (hi > b.lastIndex() + 1 || lo > hi) {
            throw new IndexOutOfBoundsException("entries [" + lo + ", " + hi + ") outside the log ["
                    + b.firstIndex() + ", " + b.lastIndex() + "]");
        }
        if (lo == hi) {
            return Collections.emptyList();
        }
        List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            byte[] record = entries.get(i);
            if (record == null) {
                if (rewrites != seq) {
                    return null;
                }
                throw missing(i);
            }
            long size = record.length - CRC_BYTES;
            if (!out.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            out.add(decodeEntry(i, record));
            bytes += size;
        }
        return out;
    }

    private Entry read(long index) {
        byte[] record = entries.get(index);
        return record == null ? null : decodeEntry(index, record);
    }

    private RuntimeException missing(long index) {
        Bounds now = bounds;
        if (index < now.firstIndex()) {
            return new LogCompactedException(index, now.firstIndex());
        }
        if (index > now.lastIndex()) {
            return new IndexOutOfBoundsException("index " + index + " is past the last index " + now.lastIndex());
        }
        return new StorageException("entry " + index + " is missing from " + file + " (log ["
                + now.firstIndex() + ", " + now.lastIndex() + "])");
    }

    // ------------------------------------------------------------------ writes (one thread)

    @Override
    public void setHardState(HardState hs) {
        Objects.requireNonNull(hs, "hardState");
        checkWritable();
        try {
            meta.put(KEY_HARD_STATE, seal(0, hs.toByteArray()));
        } catch (RuntimeException e) {
            throw fail("write the hard state", e);
        }
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
        try {
            if (from <= b.lastIndex()) {
                rewrites++; // single writer
                bounds = new Bounds(b.compactedTo(), from - 1); // hide the suffix before removing it
                entries.tailMap(from, true).clear();
            }
            for (int k = skip; k < batch.size(); k++) {
                Entry e = batch.get(k);
                entries.put(e.getIndex(), seal(e.getIndex(), e.toByteArray()));
            }
        } catch (RuntimeException e) {
            throw fail("append entries from " + from, e);
        }
        bounds = new Bounds(b.compactedTo(), batch.get(batch.size() - 1).getIndex());
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
        rewrites++; // single writer
        bounds = new Bounds(b.compactedTo(), fromIndex - 1);
        try {
            entries.tailMap(fromIndex, true).clear();
        } catch (RuntimeException e) {
            throw fail("truncate from " + fromIndex, e);
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
        boolean holds = index <= b.lastIndex() && term(index) == snapshot.getTerm();
        // Publish first, then remove: a reader that misses an entry re-reads the bounds.
        bounds = new Bounds(snapshot, holds ? b.lastIndex() : index);
        try {
            meta.put(KEY_COMPACTED_TO, seal(0, snapshot.toByteArray()));
            if (holds) {
                entries.headMap(index, true).clear();
            } else {
                entries.clear();
            }
        } catch (RuntimeException e) {
            throw fail("compact to " + index, e);
        }
    }

    @Override
    public void sync() {
        checkWritable();
        try {
            db.commit();
        } catch (RuntimeException e) {
            throw fail("commit", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (!db.isClosed()) {
                db.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("closing {} failed", file, e);
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("MapDbLogStorage " + file + " is closed");
        }
        if (failed) {
            throw new StorageException("MapDbLogStorage " + file + " failed earlier; its unsynced state is unknown");
        }
    }

    private StorageException fail(String what, RuntimeException cause) {
        failed = true;
        if (cause instanceof StorageException se) {
            return se;
        }
        return new StorageException("cannot " + what + " in " + file + ": " + cause, cause);
    }

    // ------------------------------------------------------------------ records

    /** {@code payload} followed by the CRC32C of {@code key} (8 bytes, big-endian) and the payload. */
    static byte[] seal(long key, byte[] payload) {
        byte[] out = new byte[payload.length + CRC_BYTES];
        System.arraycopy(payload, 0, out, 0, payload.length);
        ByteBuffer.wrap(out, payload.length, CRC_BYTES).putInt(crc(key, out, payload.length));
        return out;
    }

    private byte[] unseal(long key, byte[] record, String what) {
        if (record.length < CRC_BYTES) {
            throw new StorageException(what + " in " + file + " is corrupt: " + record.length + " bytes");
        }
        int len = record.length - CRC_BYTES;
        int stored = ByteBuffer.wrap(record, len, CRC_BYTES).getInt();
        if (stored != crc(key, record, len)) {
            throw new StorageException(what + " in " + file + " fails its CRC32C checksum");
        }
        byte[] payload = new byte[len];
        System.arraycopy(record, 0, payload, 0, len);
        return payload;
    }

    private static int crc(long key, byte[] data, int len) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, key));
        crc.update(data, 0, len);
        return (int) crc.getValue();
    }

    private Entry decodeEntry(long index, byte[] record) {
        String what = "entry " + index;
        byte[] payload = unseal(index, record, what);
        Entry e;
        try {
            e = Entry.parseFrom(payload);
        } catch (InvalidProtocolBufferException ex) {
            throw new StorageException(what + " in " + file + " does not parse", ex);
        }
        if (e.getIndex() != index) {
            throw new StorageException(what + " in " + file + " holds index " + e.getIndex());
        }
        return e;
    }

    private HardState parseHardState(byte[] record) {
        try {
            return HardState.parseFrom(unseal(0, record, "meta key " + KEY_HARD_STATE));
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("meta key " + KEY_HARD_STATE + " in " + file + " does not parse", e);
        }
    }

    private SnapshotMetadata parseSnapshot(byte[] record) {
        try {
            return SnapshotMetadata.parseFrom(unseal(0, record, "meta key " + KEY_COMPACTED_TO));
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("meta key " + KEY_COMPACTED_TO + " in " + file + " does not parse", e);
        }
    }
}
