package org.understudy.raft.storage.mapdb;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * Names and layout of snapshot files. Each committed snapshot is one MapDB file,
 * {@code snapshot-<index, 20 digits>.mapdb}, written once under a {@code .partial} name and
 * renamed into place when committed; it holds
 * <ul>
 *   <li>{@value #CHUNKS_MAP}: {@code long offset -> chunk}, the data in chunks of
 *       {@value #CHUNK_BYTES} bytes (the last one shorter), each followed by a CRC32C keyed by
 *       its offset;</li>
 *   <li>{@value #META_MAP}: {@value #KEY_FORMAT} (int), {@value #KEY_METADATA}
 *       (SnapshotMetadata), {@value #KEY_SIZE} (long) and {@value #KEY_CHUNK_BYTES} (int), each
 *       followed by a CRC32C.</li>
 * </ul>
 * No MapDB transactions: a file is complete and forced before it gets its final name, and never
 * changes after that.
 */
final class SnapshotFiles {

    static final int FORMAT_VERSION = 1;
    /** Fits one MapDB record (at most 65520 bytes) with its checksum and length. */
    static final int CHUNK_BYTES = 60 * 1024;
    static final String CHUNKS_MAP = "chunks";
    static final String META_MAP = "meta";
    static final String KEY_FORMAT = "format.version";
    static final String KEY_METADATA = "metadata";
    static final String KEY_SIZE = "size";
    static final String KEY_CHUNK_BYTES = "chunkBytes";
    static final String PARTIAL_SUFFIX = ".partial";

    private static final Pattern COMMITTED = Pattern.compile("snapshot-(\\d{20})\\.mapdb");

    private SnapshotFiles() {}

    static String committedName(long index) {
        return String.format("snapshot-%020d.mapdb", index);
    }

    /** The index in a committed snapshot's file name, or -1 for any other name. */
    static long indexOf(Path file) {
        Matcher m = COMMITTED.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static boolean isPartial(Path file) {
        return file.getFileName().toString().endsWith(PARTIAL_SUFFIX);
    }

    static DB create(Path file) {
        return DBMaker.fileDB(file.toFile()).fileChannelEnable().make();
    }

    /** Read-only, through a file channel: a damaged or cut file gives exceptions, never faults on mapped pages. */
    static DB openReadOnly(Path file) {
        return DBMaker.fileDB(file.toFile()).fileChannelEnable().readOnly().fileLockDisable().make();
    }

    static BTreeMap<Long, byte[]> chunks(DB db, boolean create) {
        var maker = db.treeMap(CHUNKS_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable();
        return create ? maker.create() : maker.open();
    }

    static BTreeMap<String, byte[]> meta(DB db, boolean create) {
        var maker = db.treeMap(META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY);
        return create ? maker.create() : maker.open();
    }

    static byte[] intRecord(int value) {
        return Crc.seal(0, ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
    }

    static byte[] longRecord(long value) {
        return Crc.seal(0, ByteBuffer.allocate(Long.BYTES).putLong(value).array());
    }
}
