package org.understudy.raft.storage.chronicle;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * The records of one snapshot's queue, each one Chronicle document, little-endian, each ending in
 * a CRC32C of the bytes before it:
 *
 * <pre>
 * HEADER (sequence 0):       type=1, int format version, int chunk size, int n, n bytes SnapshotMetadata, int crc
 * CHUNK k (sequence k + 1):  type=2, long k, int n, n bytes of data (chunk size bytes, except the last), int crc
 * COMMIT (after the chunks): type=3, long total size, long chunk count, int CRC32C of all the data,
 *                            int n, n bytes SnapshotMetadata, int crc
 * </pre>
 *
 * Chunk {@code k} holds the bytes {@code [k * chunkSize, (k + 1) * chunkSize)}, so a read at any
 * offset goes straight to its chunk: the queue indexes of one snapshot's records are dense, since
 * it never rolls.
 */
final class SnapshotRecord {

    static final byte HEADER = 1;
    static final byte CHUNK = 2;
    static final byte COMMIT = 3;

    /** The fields of a COMMIT record. */
    record Commit(SnapshotMetadata metadata, long size, long chunks, int dataCrc) {}

    /** The fields of a HEADER record. */
    record Header(int formatVersion, int chunkSize, SnapshotMetadata metadata) {}

    private SnapshotRecord() {}

    static byte[] header(int formatVersion, int chunkSize, SnapshotMetadata metadata) {
        byte[] meta = metadata.toByteArray();
        ByteBuffer b = allocate(1 + 4 + 4 + 4 + meta.length + 4);
        b.put(HEADER).putInt(formatVersion).putInt(chunkSize).putInt(meta.length).put(meta);
        return seal(b);
    }

    /** Writes the CHUNK record of {@code data[0, n)} into {@code out} (which must hold {@code n + 17} bytes); returns its length. */
    static int chunk(long number, byte[] data, int n, byte[] out, CRC32C crc) {
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(CHUNK).putLong(number).putInt(n).put(data, 0, n);
        crc.reset();
        crc.update(out, 0, b.position());
        b.putInt((int) crc.getValue());
        return b.position();
    }

    static int chunkRecordLength(int dataBytes) {
        return 1 + 8 + 4 + dataBytes + 4;
    }

    static byte[] commit(SnapshotMetadata metadata, long size, long chunks, int dataCrc) {
        byte[] meta = metadata.toByteArray();
        ByteBuffer b = allocate(1 + 8 + 8 + 4 + 4 + meta.length + 4);
        b.put(COMMIT).putLong(size).putLong(chunks).putInt(dataCrc).putInt(meta.length).put(meta);
        return seal(b);
    }

    /** Parses a HEADER record; {@code null} if it is not an intact one. */
    static Header parseHeader(byte[] record) {
        ByteBuffer b = opened(record, HEADER);
        if (b == null || b.remaining() < 12) {
            return null;
        }
        int version = b.getInt();
        int chunkSize = b.getInt();
        SnapshotMetadata meta = metadata(b);
        return meta == null || chunkSize <= 0 ? null : new Header(version, chunkSize, meta);
    }

    /** Parses a COMMIT record; {@code null} if it is not an intact one. */
    static Commit parseCommit(byte[] record) {
        ByteBuffer b = opened(record, COMMIT);
        if (b == null || b.remaining() < 24) {
            return null;
        }
        long size = b.getLong();
        long chunks = b.getLong();
        int dataCrc = b.getInt();
        SnapshotMetadata meta = metadata(b);
        return meta == null || size < 0 || chunks < 0 ? null : new Commit(meta, size, chunks, dataCrc);
    }

    /** Why a CHUNK record is not chunk {@code expectedNumber} of {@code expectedLength} bytes, intact; {@code null} if it is. */
    static String chunkProblem(byte[] record, long expectedNumber, int expectedLength, CRC32C crc) {
        if (!intact(record, crc)) {
            return "it fails its CRC32C checksum";
        }
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get() != CHUNK) {
            return "it is not a chunk record";
        }
        long number = b.getLong();
        int n = b.getInt();
        if (number != expectedNumber || n != expectedLength || record.length != chunkRecordLength(n)) {
            return "it is chunk " + number + " of " + n + " bytes, expected chunk " + expectedNumber + " of " + expectedLength;
        }
        return null;
    }

    /** Where a CHUNK record's data starts. */
    static final int CHUNK_DATA_OFFSET = 13;

    private static ByteBuffer opened(byte[] record, byte type) {
        if (record == null || record.length < 5 || record[0] != type || !intact(record, new CRC32C())) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(record, 0, record.length - 4).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        return b;
    }

    private static SnapshotMetadata metadata(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n != b.remaining()) {
            return null;
        }
        try {
            return SnapshotMetadata.parser().parseFrom(b.array(), b.position(), n);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static boolean intact(byte[] record, CRC32C crc) {
        if (record.length < 5) {
            return false;
        }
        crc.reset();
        crc.update(record, 0, record.length - 4);
        return (int) crc.getValue() == ByteBuffer.wrap(record, record.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static ByteBuffer allocate(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] seal(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
