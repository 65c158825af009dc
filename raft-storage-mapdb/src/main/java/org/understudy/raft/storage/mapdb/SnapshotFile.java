package org.understudy.raft.storage.mapdb;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * One committed snapshot file, shared by its readers: the MapDB handle is opened for the first
 * reader and closed after the last. A deleted snapshot's file goes only when its last reader
 * closes, so a reader never loses its data under it.
 */
final class SnapshotFile {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);

    private final Path path;
    private final SnapshotMetadata metadata;
    private final long size;
    private final int chunkBytes;
    private DB db;
    private BTreeMap<Long, byte[]> chunks;
    private int readers;
    private boolean deleted;

    private SnapshotFile(Path path, SnapshotMetadata metadata, long size, int chunkBytes) {
        this.path = path;
        this.metadata = metadata;
        this.size = size;
        this.chunkBytes = chunkBytes;
    }

    /** Reads and checks the metadata of the committed snapshot in {@code path}. */
    static SnapshotFile load(Path path) {
        DB db = null;
        try {
            db = SnapshotFiles.openReadOnly(path);
            BTreeMap<String, byte[]> meta = SnapshotFiles.meta(db, false);
            byte[] format = sealed(meta, SnapshotFiles.KEY_FORMAT, path);
            int version = format.length == Integer.BYTES ? ByteBuffer.wrap(format).getInt() : -1;
            if (version != SnapshotFiles.FORMAT_VERSION) {
                throw new StorageException(Kind.UNSUPPORTED_FORMAT, path + " is in snapshot format version " + version
                        + "; this build reads only version " + SnapshotFiles.FORMAT_VERSION);
            }
            SnapshotMetadata metadata = SnapshotMetadata.parseFrom(sealed(meta, SnapshotFiles.KEY_METADATA, path));
            long size = ByteBuffer.wrap(sealed(meta, SnapshotFiles.KEY_SIZE, path)).getLong();
            int chunkBytes = ByteBuffer.wrap(sealed(meta, SnapshotFiles.KEY_CHUNK_BYTES, path)).getInt();
            if (size < 0 || chunkBytes <= 0 || metadata.getIndex() != SnapshotFiles.indexOf(path)) {
                throw new StorageException(Kind.CORRUPT, path + " has inconsistent metadata (index "
                        + metadata.getIndex() + ", size " + size + ", chunks of " + chunkBytes + " bytes)");
            }
            return new SnapshotFile(path, metadata, size, chunkBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException(Kind.CORRUPT, "the metadata in " + path + " does not parse", e);
        } catch (RuntimeException | InternalError e) {
            throw StorageErrors.translate("read the snapshot", path, e, true);
        } finally {
            closeQuietly(db);
        }
    }

    private static byte[] sealed(BTreeMap<String, byte[]> meta, String key, Path path) {
        byte[] payload = Crc.unsealOrNull(0, meta.get(key));
        if (payload == null) {
            throw new StorageException(Kind.CORRUPT, "meta key " + key + " in " + path + " is missing or fails its checksum");
        }
        return payload;
    }

    Path path() {
        return path;
    }

    SnapshotMetadata metadata() {
        return metadata;
    }

    long size() {
        return size;
    }

    /** Registers a reader, opening the file for the first one. */
    synchronized void acquire() {
        if (deleted && readers == 0) {
            throw new IllegalStateException(path + " was deleted");
        }
        if (db == null) {
            try {
                db = SnapshotFiles.openReadOnly(path);
                chunks = SnapshotFiles.chunks(db, false);
            } catch (RuntimeException | InternalError e) {
                closeQuietly(db);
                db = null;
                throw StorageErrors.translate("open the snapshot", path, e, true);
            }
        }
        readers++;
    }

    /** Unregisters a reader; the last one closes the file, and deletes it if it was deleted meanwhile. */
    synchronized void release() {
        readers--;
        if (readers == 0) {
            closeQuietly(db);
            db = null;
            chunks = null;
            if (deleted) {
                deleteFile();
            }
        }
    }

    /** Deletes the file now, or after its last reader closes. */
    synchronized void delete() {
        deleted = true;
        if (readers == 0) {
            deleteFile();
        }
    }

    /** Up to {@code maxBytes} bytes from {@code offset}; empty at or past the end. */
    ByteString read(long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("read(" + offset + ", " + maxBytes + ")");
        }
        if (offset >= size || maxBytes == 0) {
            return ByteString.EMPTY;
        }
        BTreeMap<Long, byte[]> map;
        synchronized (this) {
            map = chunks;
        }
        if (map == null) {
            throw new IllegalStateException("the reader of " + path + " is closed");
        }
        long end = Math.min(size, offset + maxBytes);
        ByteString out = ByteString.EMPTY;
        long at = offset;
        while (at < end) {
            long key = at - at % chunkBytes;
            byte[] chunk = chunk(map, key);
            int from = (int) (at - key);
            int n = (int) Math.min(chunk.length - from, end - at);
            out = out.concat(ByteString.copyFrom(chunk, from, n));
            at += n;
        }
        return out;
    }

    private byte[] chunk(BTreeMap<Long, byte[]> map, long key) {
        byte[] record;
        try {
            record = map.get(key);
        } catch (RuntimeException | InternalError e) {
            throw StorageErrors.translate("read the chunk at offset " + key + " of", path, e, true);
        }
        byte[] data = Crc.unsealOrNull(key, record);
        long expected = Math.min(chunkBytes, size - key);
        if (data == null || data.length != expected) {
            throw new StorageException(Kind.CORRUPT, "the chunk at offset " + key + " of the snapshot " + path
                    + (data == null ? (record == null ? " is missing" : " fails its CRC32C checksum")
                            : " holds " + data.length + " bytes instead of " + expected)
                    + "; the snapshot is damaged: delete it and let the leader send a new one");
        }
        return data;
    }

    private void deleteFile() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot delete the old snapshot {}; it is left behind", path, e);
        }
    }

    /** Closes the handle whatever its readers, when the store closes. */
    synchronized void closeForShutdown() {
        closeQuietly(db);
        db = null;
        chunks = null;
    }

    private static void closeQuietly(DB db) {
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException | InternalError e) {
                LOG.debug("closing a snapshot file failed", e);
            }
        }
    }
}
