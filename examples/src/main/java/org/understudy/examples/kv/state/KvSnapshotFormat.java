package org.understudy.examples.kv.state;

/**
 * The layout of a raft-kv snapshot, version 1. All integers are big-endian
 * ({@link java.io.DataOutputStream}); every length prefix counts bytes.
 *
 * <pre>
 * header   magic        4 bytes   "UKVS" (0x554B5653)
 *          version      int32     1
 *          appliedIndex int64     the Raft index the snapshot is taken at
 *          keyCount     int64     number of key records that follow
 *          dedupCount   int32     number of request-id records after the keys
 * key      keyLength    int32     then the key in UTF-8
 *          revision     int64     the Raft index of the key's last write (1..appliedIndex)
 *          valueLength  int32     then the value bytes
 * dedup    idHigh       int64     the request id's digest ({@link RequestIdDigest})
 *          idLow        int64
 *          resultLength int32     then the first result, a serialized KvResult
 * trailer  crc          int32     CRC32C of every byte from the magic through the last record
 * </pre>
 *
 * <p>Why this shape: a store may be far larger than any one array, so the snapshot is written and
 * read one record at a time (never one byte array of the whole store), and the single CRC at the end
 * is checked before the restored state replaces the live one. Dedup records are in apply order,
 * oldest first, so eviction continues after a restore exactly as it would have without one. The
 * magic tells a raft-kv snapshot from anything else handed to restore; the version lets a later
 * build read old snapshots or refuse newer ones by name.
 *
 * <p>The raft-kv section must be the last thing in the stream: the reader buffers and may read past
 * its trailer. (The membership layer writes its header before it, which is fine.)
 */
final class KvSnapshotFormat {
    static final int MAGIC = 0x554B5653; // "UKVS"
    static final int VERSION = 1;

    /**
     * The largest key, value or result a record may declare. Far above any entry a node accepts
     * ({@code RaftNodeOptions.DEFAULT_MAX_ENTRY_BYTES} is 8 MiB), so it never refuses real data; it
     * turns a corrupt length into a clear error instead of a huge allocation.
     */
    static final int MAX_FIELD_BYTES = 1 << 30;

    /** Buffer between the record encoder and the store's stream, which may be slow per call. */
    static final int BUFFER_BYTES = 64 * 1024;

    private KvSnapshotFormat() {}
}
