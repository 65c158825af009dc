package org.understudy.raft.storage.mapdb;

import java.nio.ByteBuffer;

/**
 * Where a run's record lies: the value in the {@code runs} B-tree, keyed by the run's first
 * index. Stored as {@code long segment, long offset, int length, int count} followed by a CRC32C
 * of the 8-byte key and those 24 bytes ({@link Crc#seal}), 28 bytes in all.
 *
 * @param segment the number of the value segment file ({@link LogFiles#segmentName})
 * @param offset where the record starts in that file
 * @param length the record's length in bytes
 * @param count how many entries it holds
 */
record RunPointer(long segment, long offset, int length, int count) {

    static final int BYTES = 2 * Long.BYTES + 2 * Integer.BYTES;

    long end() {
        return offset + length;
    }

    byte[] encode(long key) {
        return Crc.seal(key, ByteBuffer.allocate(BYTES).putLong(segment).putLong(offset).putInt(length).putInt(count).array());
    }

    /** The pointer stored under {@code key}, or {@code null} if it fails its checksum or is not one. */
    static RunPointer decodeOrNull(long key, byte[] stored) {
        byte[] payload = Crc.unsealOrNull(key, stored);
        if (payload == null || payload.length != BYTES) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(payload);
        RunPointer p = new RunPointer(buf.getLong(), buf.getLong(), buf.getInt(), buf.getInt());
        return p.segment() > 0 && p.offset() >= 0 && p.length() > 0 && p.count() > 0 ? p : null;
    }
}
