package org.understudy.raft.storage.mapdb;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import org.understudy.raft.proto.Entry;

/**
 * The bytes of one run record in a value segment ({@link ValueSegments}): the entries of a
 * {@link Run}, framed so that one entry can be found and checked without parsing the others.
 * All integers big-endian:
 * <pre>
 * header, {@value #HEADER_BYTES} bytes:
 *     int  magic 0x55535652 ("USVR")
 *     long firstIndex
 *     int  count                 (at least 1)
 *     int  framesLength          (bytes of the frames after the header)
 *     int  crc32c of the 20 header bytes above
 * count frames, the k-th for entry i = firstIndex + k:
 *     long term
 *     int  length
 *     length bytes: the serialized Entry (its own index and term are i and term)
 *     int  crc32c of the 8-byte index i followed by the frame up to here (term, length, bytes)
 * </pre>
 * A record is {@value #HEADER_BYTES} + framesLength bytes. Finding entry {@code k} walks the
 * {@code k} frame heads before it (12 bytes each, no checksum, no parsing); its own checksum
 * covers its index, so a frame copied to another place in the log cannot pass for another
 * entry, and a damaged entry never spoils the others of its run. Trimming a run (truncation,
 * compaction) copies the kept frames unchanged under a new header.
 */
final class SegmentRecord {

    static final int MAGIC = 0x55535652; // "USVR"
    static final int HEADER_BYTES = 24;
    /** Bytes a frame adds to its entry: term, length, checksum. */
    static final int FRAME_OVERHEAD = Long.BYTES + Integer.BYTES + Integer.BYTES;
    /** Bytes of a frame before its entry: term, length. */
    static final int FRAME_HEAD = Long.BYTES + Integer.BYTES;

    private SegmentRecord() {}

    /** A record that does not check out; the message says why, the caller adds file and offset. */
    static final class BadRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        BadRecordException(String message) {
            super(message);
        }

        BadRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The record of the contiguous {@code entries}. */
    static byte[] encode(List<Entry> entries) {
        long first = entries.get(0).getIndex();
        int frames = 0;
        for (Entry e : entries) {
            frames += FRAME_OVERHEAD + e.getSerializedSize();
        }
        byte[] out = new byte[HEADER_BYTES + frames];
        ByteBuffer buf = ByteBuffer.wrap(out);
        writeHeader(buf, first, entries.size(), frames);
        int at = HEADER_BYTES;
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            int len = e.getSerializedSize();
            buf.putLong(at, e.getTerm()).putInt(at + Long.BYTES, len);
            try {
                CodedOutputStream cos = CodedOutputStream.newInstance(out, at + FRAME_HEAD, len);
                e.writeTo(cos);
                cos.checkNoSpaceLeft();
            } catch (IOException ex) {
                throw new IllegalStateException("serializing entry " + e.getIndex() + " into its exact size failed", ex);
            }
            buf.putInt(at + FRAME_HEAD + len, entryCrc(first + k, out, at, FRAME_HEAD + len));
            at += FRAME_OVERHEAD + len;
        }
        return out;
    }

    /**
     * A record of {@code count} entries from {@code newFirst} on, whose frames are
     * {@code record[from, to)} (copied unchanged: their checksums hold their own indexes).
     */
    static byte[] slice(long newFirst, int count, byte[] record, int from, int to) {
        byte[] out = new byte[HEADER_BYTES + to - from];
        writeHeader(ByteBuffer.wrap(out), newFirst, count, to - from);
        System.arraycopy(record, from, out, HEADER_BYTES, to - from);
        return out;
    }

    private static void writeHeader(ByteBuffer buf, long first, int count, int framesLength) {
        buf.putInt(0, MAGIC).putLong(4, first).putInt(12, count).putInt(16, framesLength);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 20);
        buf.putInt(20, (int) crc.getValue());
    }

    /** What a record's header says. */
    record Header(long first, int count, int framesLength) {}

    /** The header at the start of {@code bytes} if it is one (magic, checksum, sane sizes), else {@code null}. */
    static Header header(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 20);
        if (buf.getInt(0) != MAGIC || buf.getInt(20) != (int) crc.getValue()) {
            return null;
        }
        Header h = new Header(buf.getLong(4), buf.getInt(12), buf.getInt(16));
        boolean sane = h.count() > 0 && h.framesLength() >= (long) h.count() * FRAME_OVERHEAD && h.first() > 0;
        return sane ? h : null;
    }

    /**
     * Checks the header of {@code record} against what its pointer says (first index
     * {@code first}, {@code count} entries) and walks the frame heads; returns where each frame
     * starts. Checks no entry checksum.
     */
    static int[] frames(long first, int count, byte[] record) throws BadRecordException {
        if (record.length < HEADER_BYTES + FRAME_OVERHEAD) {
            throw new BadRecordException("is too short (" + record.length + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(record);
        if (buf.getInt(0) != MAGIC) {
            throw new BadRecordException("does not start with a record header");
        }
        CRC32C crc = new CRC32C();
        crc.update(record, 0, 20);
        if (buf.getInt(20) != (int) crc.getValue()) {
            throw new BadRecordException("has a header that fails its CRC32C checksum");
        }
        long headFirst = buf.getLong(4);
        int headCount = buf.getInt(12);
        int framesLength = buf.getInt(16);
        if (headFirst != first || headCount != count) {
            throw new BadRecordException("holds entries " + headFirst + " (" + headCount + " of them) where its pointer says "
                    + first + " (" + count + ")");
        }
        if (framesLength != record.length - HEADER_BYTES) {
            throw new BadRecordException("says its frames take " + framesLength + " bytes, its pointer "
                    + (record.length - HEADER_BYTES));
        }
        int[] offsets = new int[count];
        int at = HEADER_BYTES;
        for (int k = 0; k < count; k++) {
            if (record.length - at < FRAME_OVERHEAD) {
                throw new BadRecordException("ends inside the frame of entry " + (first + k));
            }
            int len = buf.getInt(at + Long.BYTES);
            if (len < 0 || len > record.length - at - FRAME_OVERHEAD) {
                throw new BadRecordException("gives entry " + (first + k) + " a length of " + len + " with "
                        + (record.length - at - FRAME_OVERHEAD) + " bytes left");
            }
            offsets[k] = at;
            at += FRAME_OVERHEAD + len;
        }
        if (at != record.length) {
            throw new BadRecordException("has " + (record.length - at) + " bytes after its " + count + " entries");
        }
        return offsets;
    }

    /** Whether the frame at {@code at} (entry {@code index}) passes its checksum. */
    static boolean entryIntact(long index, byte[] record, int at) {
        int len = ByteBuffer.wrap(record).getInt(at + Long.BYTES);
        int stored = ByteBuffer.wrap(record).getInt(at + FRAME_HEAD + len);
        return stored == entryCrc(index, record, at, FRAME_HEAD + len);
    }

    private static int entryCrc(long index, byte[] record, int at, int len) {
        CRC32C crc = new CRC32C();
        byte[] key = new byte[Long.BYTES];
        for (int b = 0; b < Long.BYTES; b++) {
            key[b] = (byte) (index >>> (56 - 8 * b));
        }
        crc.update(key, 0, Long.BYTES);
        crc.update(record, at, len);
        return (int) crc.getValue();
    }
}
