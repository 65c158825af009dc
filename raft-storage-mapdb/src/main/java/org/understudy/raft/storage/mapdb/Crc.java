package org.understudy.raft.storage.mapdb;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C helpers: every record this module writes ends in one, over its key and its bytes. */
final class Crc {

    private Crc() {}

    /** The CRC32C of the 8-byte big-endian {@code key} followed by {@code data[off, off + len)}. */
    static int of(long key, byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, key));
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    /** {@code payload} followed by its 4-byte big-endian CRC32C (keyed by {@code key}). */
    static byte[] seal(long key, byte[] payload) {
        byte[] out = new byte[payload.length + Integer.BYTES];
        System.arraycopy(payload, 0, out, 0, payload.length);
        ByteBuffer.wrap(out, payload.length, Integer.BYTES).putInt(of(key, out, 0, payload.length));
        return out;
    }

    /** The payload of a {@link #seal sealed} record, or {@code null} when it is too short or fails its checksum. */
    static byte[] unsealOrNull(long key, byte[] record) {
        if (record == null || record.length < Integer.BYTES) {
            return null;
        }
        int len = record.length - Integer.BYTES;
        if (ByteBuffer.wrap(record, len, Integer.BYTES).getInt() != of(key, record, 0, len)) {
            return null;
        }
        byte[] payload = new byte[len];
        System.arraycopy(record, 0, payload, 0, len);
        return payload;
    }
}
