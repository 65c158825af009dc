package org.understudy.raft.storage.mapdb;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import org.understudy.raft.proto.Entry;

/**
 * The bytes of a {@link Run} record in the {@code runs} map:
 * <pre>
 * int count
 * count x (long index, long term, int length, length bytes of the serialized Entry)
 * int crc32c of the 8-byte key followed by everything above
 * </pre>
 * The index and term in each frame repeat the entry's own, so that a record can be checked
 * (each index is the key plus its position) and walked without parsing the entries.
 */
final class RunCodec {

    private static final int FRAME_HEAD = Long.BYTES + Long.BYTES + Integer.BYTES;

    private RunCodec() {}

    /** A record that does not parse; the message says why, the caller adds key and file. */
    static final class BadRunException extends Exception {
        private static final long serialVersionUID = 1L;

        BadRunException(String message) {
            super(message);
        }

        BadRunException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static byte[] encode(Run run) {
        int size = Integer.BYTES + Integer.BYTES;
        for (int k = 0; k < run.size(); k++) {
            size += FRAME_HEAD + run.entry(run.first() + k).getSerializedSize();
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(run.size());
        for (long i = run.first(); i <= run.last(); i++) {
            Entry e = run.entry(i);
            buf.putLong(i).putLong(e.getTerm()).putInt(e.getSerializedSize());
            buf.put(e.toByteArray());
        }
        buf.putInt(Crc.of(run.first(), buf.array(), 0, size - Integer.BYTES));
        return buf.array();
    }

    /** Checks the checksum and the frames; returns the number of entries. Does not parse them. */
    static int check(long key, byte[] record) throws BadRunException {
        ByteBuffer buf = checked(key, record);
        int count = buf.getInt();
        for (int k = 0; k < count; k++) {
            skipFrame(buf, key, k);
        }
        end(buf, count);
        return count;
    }

    /** The run in {@code record}, every entry parsed and checked against its frame. */
    static Run decode(long key, byte[] record) throws BadRunException {
        ByteBuffer buf = checked(key, record);
        int count = buf.getInt();
        Entry[] entries = new Entry[count];
        for (int k = 0; k < count; k++) {
            int start = buf.position();
            int len = skipFrame(buf, key, k);
            long term = buf.getLong(start + Long.BYTES);
            Entry e;
            try {
                e = Entry.parser().parseFrom(record, start + FRAME_HEAD, len);
            } catch (InvalidProtocolBufferException ex) {
                throw new BadRunException("entry " + (key + k) + " does not parse", ex);
            }
            if (e.getIndex() != key + k || e.getTerm() != term) {
                throw new BadRunException("entry " + (key + k) + " holds index " + e.getIndex() + " and term " + e.getTerm()
                        + ", its frame says term " + term);
            }
            entries[k] = e;
        }
        end(buf, count);
        return new Run(key, entries);
    }

    private static ByteBuffer checked(long key, byte[] record) throws BadRunException {
        if (record == null || record.length < 2 * Integer.BYTES + FRAME_HEAD) {
            throw new BadRunException("is too short (" + (record == null ? 0 : record.length) + " bytes)");
        }
        int body = record.length - Integer.BYTES;
        if (ByteBuffer.wrap(record, body, Integer.BYTES).getInt() != Crc.of(key, record, 0, body)) {
            throw new BadRunException("fails its CRC32C checksum");
        }
        ByteBuffer buf = ByteBuffer.wrap(record, 0, body);
        int count = buf.getInt(0);
        if (count <= 0 || count > (body - Integer.BYTES) / FRAME_HEAD) {
            throw new BadRunException("claims " + count + " entries in " + record.length + " bytes");
        }
        return buf;
    }

    /** Moves past frame {@code k}; returns its entry's length. */
    private static int skipFrame(ByteBuffer buf, long key, int k) throws BadRunException {
        if (buf.remaining() < FRAME_HEAD) {
            throw new BadRunException("ends inside the frame of entry " + (key + k));
        }
        long index = buf.getLong();
        buf.getLong(); // term
        int len = buf.getInt();
        if (index != key + k) {
            throw new BadRunException("has entry " + index + " at position " + k);
        }
        if (len < 0 || len > buf.remaining()) {
            throw new BadRunException("gives entry " + index + " a length of " + len + " with " + buf.remaining() + " bytes left");
        }
        buf.position(buf.position() + len);
        return len;
    }

    private static void end(ByteBuffer buf, int count) throws BadRunException {
        if (buf.hasRemaining()) {
            throw new BadRunException("has " + buf.remaining() + " bytes after its " + count + " entries");
        }
    }
}
