package org.understudy.raft.storage.chronicle;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * The byte layout of one log record (the body of one Chronicle document), and a reusable buffer
 * that encodes and decodes it.
 *
 * <pre>
 * offset  size  field
 *      0     1  type            RecordType code
 *      1     1  flags           ENTRY: the entry type; COMPACT: 1 if the entries after the snapshot were kept
 *      2     8  a               ENTRY: index; TRUNCATE: from index; COMPACT: last index after it;
 *                               SEGMENT_START: last index; SKIP: first skipped queue index
 *     10     8  b               ENTRY: term; SEGMENT_START: format version; SKIP: last skipped queue index
 *     18     4  payload length n
 *     22     n  payload         ENTRY: data; COMPACT: SnapshotMetadata; HARD_STATE: HardState;
 *                               SEGMENT_START: int length + SnapshotMetadata, then HardState
 *   22+n     4  CRC32C of bytes 0 .. 22+n
 * </pre>
 *
 * All numbers are little-endian, written here rather than by Chronicle, so the format does not
 * depend on Chronicle's byte order. A record whose length, checksum or type is wrong is reported
 * by {@link #checkAt(int, int)} and never applied.
 *
 * <p>A record is self-delimiting (its length field) and self-checking (its CRC), so one Chronicle
 * document may hold several records back to back: from format version 2 the log writes a batch's
 * entries as runs of ENTRY records in one document ({@link EntryRun}). A reader walks a document
 * record by record with {@link #checkAt(int, int)}; a format-1 document is the case of one record.
 *
 * <p>Not thread-safe: each writer and each reader has its own instance, and reuses it, so that
 * appending an entry allocates nothing on the heap.
 */
final class LogRecord {

    static final int HEADER_BYTES = 22;
    static final int TRAILER_BYTES = 4;
    static final int OVERHEAD_BYTES = HEADER_BYTES + TRAILER_BYTES;
    /** Where the payload length (little-endian int) sits in a record: a reader finds a record's end from it. */
    static final int LENGTH_FIELD_OFFSET = 18;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    /** Where the current record begins in {@link #buf} (0 when encoding). */
    private int start;
    private int length;
    private final CRC32C crc = new CRC32C();

    LogRecord(int initialCapacity) {
        this.buf = new byte[Math.max(initialCapacity, 256)];
    }

    /** The encoded record: {@code bytes()[0 .. length())} (after an encoding call). */
    byte[] bytes() {
        return buf;
    }

    int length() {
        return length;
    }

    // ------------------------------------------------------------------ encoding

    LogRecord entry(Entry e) {
        ensureCapacity(OVERHEAD_BYTES + e.getData().size());
        start = 0;
        length = encodeEntry(buf, 0, e, crc);
        return this;
    }

    /** The bytes {@link #encodeEntry} writes for {@code e}. */
    static int entryBytes(Entry e) {
        return OVERHEAD_BYTES + e.getData().size();
    }

    /**
     * Encodes {@code e} as an ENTRY record at {@code buf[offset ..]}, which must have room for
     * {@link #entryBytes}; returns the record's length.
     */
    static int encodeEntry(byte[] buf, int offset, Entry e, CRC32C crc) {
        ByteString data = e.getData();
        int type = e.getTypeValue();
        if (type < 0 || type > 0xff) {
            throw new IllegalArgumentException("entry type " + type + " of entry " + e.getIndex() + " does not fit the log format");
        }
        int n = header(buf, offset, RecordType.ENTRY, type, e.getIndex(), e.getTerm(), data.size());
        data.copyTo(buf, offset + HEADER_BYTES);
        seal(buf, offset, n, crc);
        return n;
    }

    LogRecord truncate(long fromIndex) {
        begin(RecordType.TRUNCATE, 0, fromIndex, 0, 0);
        return seal();
    }

    LogRecord compact(SnapshotMetadata snapshot, boolean keptEntries, long lastIndexAfter) {
        byte[] meta = snapshot.toByteArray();
        begin(RecordType.COMPACT, keptEntries ? 1 : 0, lastIndexAfter, 0, meta.length);
        System.arraycopy(meta, 0, buf, HEADER_BYTES, meta.length);
        return seal();
    }

    LogRecord hardState(HardState hs) {
        byte[] bytes = hs.toByteArray();
        begin(RecordType.HARD_STATE, 0, 0, 0, bytes.length);
        System.arraycopy(bytes, 0, buf, HEADER_BYTES, bytes.length);
        return seal();
    }

    LogRecord segmentStart(int formatVersion, SnapshotMetadata compactedTo, HardState hs, long lastIndex) {
        byte[] meta = compactedTo.toByteArray();
        byte[] state = hs.toByteArray();
        begin(RecordType.SEGMENT_START, 0, lastIndex, formatVersion, 4 + meta.length + state.length);
        INT.set(buf, HEADER_BYTES, meta.length);
        System.arraycopy(meta, 0, buf, HEADER_BYTES + 4, meta.length);
        System.arraycopy(state, 0, buf, HEADER_BYTES + 4 + meta.length, state.length);
        return seal();
    }

    LogRecord skip(long firstQueueIndex, long lastQueueIndex) {
        begin(RecordType.SKIP, 0, firstQueueIndex, lastQueueIndex, 0);
        return seal();
    }

    private void begin(RecordType type, int flags, long a, long b, int payloadLength) {
        ensureCapacity(OVERHEAD_BYTES + payloadLength);
        start = 0;
        length = header(buf, 0, type, flags, a, b, payloadLength);
    }

    private LogRecord seal() {
        seal(buf, 0, length, crc);
        return this;
    }

    /** Writes a record header at {@code buf[offset ..]}; returns the whole record's length. */
    private static int header(byte[] buf, int offset, RecordType type, int flags, long a, long b, int payloadLength) {
        buf[offset] = (byte) type.code;
        buf[offset + 1] = (byte) flags;
        LONG.set(buf, offset + 2, a);
        LONG.set(buf, offset + 10, b);
        INT.set(buf, offset + 18, payloadLength);
        return OVERHEAD_BYTES + payloadLength;
    }

    /** Writes the CRC32C trailer of the {@code length}-byte record at {@code buf[offset ..]}. */
    private static void seal(byte[] buf, int offset, int length, CRC32C crc) {
        crc.reset();
        crc.update(buf, offset, length - TRAILER_BYTES);
        INT.set(buf, offset + length - TRAILER_BYTES, (int) crc.getValue());
    }

    // ------------------------------------------------------------------ decoding

    /**
     * A buffer of at least {@code n} bytes to read a document (one or more records) of that length
     * into; then walk it with {@link #checkAt(int, int)}.
     */
    byte[] receive(int n) {
        ensureCapacity(n);
        return buf;
    }

    /**
     * Takes the record at {@code offset} of the buffer {@link #receive(int)} filled, with {@code
     * remaining} bytes of the document from there, as the current record; returns {@code null}
     * when it is whole and intact (then {@link #length()} is its length), else why not.
     */
    String checkAt(int offset, int remaining) {
        start = offset;
        length = remaining;
        if (remaining < OVERHEAD_BYTES) {
            return remaining + " bytes is shorter than any record";
        }
        int payload = (int) INT.get(buf, offset + LENGTH_FIELD_OFFSET);
        if (payload < 0 || payload > remaining - OVERHEAD_BYTES) {
            return "its length field says " + payload + " payload bytes but the document holds at most " + (remaining - OVERHEAD_BYTES);
        }
        length = OVERHEAD_BYTES + payload;
        crc.reset();
        crc.update(buf, offset, length - TRAILER_BYTES);
        if ((int) crc.getValue() != (int) INT.get(buf, offset + length - TRAILER_BYTES)) {
            return "it fails its CRC32C checksum";
        }
        if (type() == null) {
            return "its type code " + (buf[offset] & 0xff) + " is unknown";
        }
        return null;
    }

    /** Takes the record at {@code offset}, already checked by {@link #checkAt}, as the current record again. */
    void at(int offset) {
        start = offset;
        length = OVERHEAD_BYTES + (int) INT.get(buf, offset + LENGTH_FIELD_OFFSET);
    }

    /** The current record's type, or {@code null} for an unknown code. */
    RecordType type() {
        return RecordType.of(buf[start] & 0xff);
    }

    int flags() {
        return buf[start + 1] & 0xff;
    }

    long a() {
        return (long) LONG.get(buf, start + 2);
    }

    long b() {
        return (long) LONG.get(buf, start + 10);
    }

    int payloadLength() {
        return length - OVERHEAD_BYTES;
    }

    /**
     * The ENTRY record in {@code record} (exactly one record, already checked) as an entry that
     * shares {@code record}'s bytes: a reader allocates one array per entry and copies once.
     */
    static Entry entryOwning(byte[] record) {
        int n = record.length - OVERHEAD_BYTES;
        ByteString data = n == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(record, HEADER_BYTES, n);
        return Entry.newBuilder()
                .setIndex((long) LONG.get(record, 2))
                .setTerm((long) LONG.get(record, 10))
                .setTypeValue(record[1] & 0xff)
                .setData(data)
                .build();
    }

    SnapshotMetadata snapshotPayload() throws InvalidProtocolBufferException {
        return SnapshotMetadata.parser().parseFrom(buf, start + HEADER_BYTES, payloadLength());
    }

    HardState hardStatePayload() throws InvalidProtocolBufferException {
        return HardState.parser().parseFrom(buf, start + HEADER_BYTES, payloadLength());
    }

    /** SEGMENT_START: the compaction point it carries. */
    SnapshotMetadata segmentCompactedTo() throws InvalidProtocolBufferException {
        int metaLength = segmentMetaLength();
        return SnapshotMetadata.parser().parseFrom(buf, start + HEADER_BYTES + 4, metaLength);
    }

    /** SEGMENT_START: the hard state it carries. */
    HardState segmentHardState() throws InvalidProtocolBufferException {
        int metaLength = segmentMetaLength();
        return HardState.parser().parseFrom(buf, start + HEADER_BYTES + 4 + metaLength, payloadLength() - 4 - metaLength);
    }

    private int segmentMetaLength() throws InvalidProtocolBufferException {
        int metaLength = payloadLength() >= 4 ? (int) INT.get(buf, start + HEADER_BYTES) : -1;
        if (metaLength < 0 || metaLength > payloadLength() - 4) {
            throw new InvalidProtocolBufferException("segment start record with a metadata length of " + metaLength);
        }
        return metaLength;
    }

    private void ensureCapacity(int n) {
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
        }
    }

    /** Whether {@code record} (exactly one record) is intact; {@code null} if so, else why not. */
    static String checkOwned(byte[] record, CRC32C crc) {
        int n = record.length;
        if (n < OVERHEAD_BYTES) {
            return n + " bytes is shorter than any record";
        }
        if ((int) INT.get(record, LENGTH_FIELD_OFFSET) != n - OVERHEAD_BYTES) {
            return "its length field does not match the record";
        }
        crc.reset();
        crc.update(record, 0, n - TRAILER_BYTES);
        if ((int) crc.getValue() != (int) INT.get(record, n - TRAILER_BYTES)) {
            return "it fails its CRC32C checksum";
        }
        return null;
    }

    /** The type code of an owned record. */
    static int typeCode(byte[] record) {
        return record.length == 0 ? -1 : record[0] & 0xff;
    }

    /** An owned record's {@code a} field (the Raft index of an ENTRY). */
    static long a(byte[] record) {
        return (long) LONG.get(record, 2);
    }
}
