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
 * by {@link #check(int)} and never applied.
 *
 * <p>Not thread-safe: each writer and each reader has its own instance, and reuses it, so that
 * appending an entry allocates nothing on the heap.
 */
final class LogRecord {

    static final int HEADER_BYTES = 22;
    static final int TRAILER_BYTES = 4;
    static final int OVERHEAD_BYTES = HEADER_BYTES + TRAILER_BYTES;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int length;
    private final CRC32C crc = new CRC32C();

    LogRecord(int initialCapacity) {
        this.buf = new byte[Math.max(initialCapacity, 256)];
    }

    /** The encoded record: {@code bytes()[0 .. length())}. */
    byte[] bytes() {
        return buf;
    }

    int length() {
        return length;
    }

    // ------------------------------------------------------------------ encoding

    LogRecord entry(Entry e) {
        ByteString data = e.getData();
        int type = e.getTypeValue();
        if (type < 0 || type > 0xff) {
            throw new IllegalArgumentException("entry type " + type + " of entry " + e.getIndex() + " does not fit the log format");
        }
        begin(RecordType.ENTRY, type, e.getIndex(), e.getTerm(), data.size());
        data.copyTo(buf, HEADER_BYTES);
        return seal();
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
        buf[0] = (byte) type.code;
        buf[1] = (byte) flags;
        LONG.set(buf, 2, a);
        LONG.set(buf, 10, b);
        INT.set(buf, 18, payloadLength);
        length = OVERHEAD_BYTES + payloadLength;
    }

    private LogRecord seal() {
        crc.reset();
        crc.update(buf, 0, length - TRAILER_BYTES);
        INT.set(buf, length - TRAILER_BYTES, (int) crc.getValue());
        return this;
    }

    // ------------------------------------------------------------------ decoding

    /** A buffer of at least {@code n} bytes to read a record of that length into; then call {@link #check(int)}. */
    byte[] receive(int n) {
        ensureCapacity(n);
        return buf;
    }

    /**
     * Takes the {@code n} bytes just read into {@link #receive(int)}'s buffer as the current
     * record; returns {@code null} when it is whole and intact, else why not.
     */
    String check(int n) {
        length = n;
        if (n < OVERHEAD_BYTES) {
            return n + " bytes is shorter than any record";
        }
        int payload = (int) INT.get(buf, 18);
        if (payload != n - OVERHEAD_BYTES) {
            return "its length field says " + payload + " payload bytes but the record holds " + (n - OVERHEAD_BYTES);
        }
        crc.reset();
        crc.update(buf, 0, n - TRAILER_BYTES);
        if ((int) crc.getValue() != (int) INT.get(buf, n - TRAILER_BYTES)) {
            return "it fails its CRC32C checksum";
        }
        if (type() == null) {
            return "its type code " + (buf[0] & 0xff) + " is unknown";
        }
        return null;
    }

    /** The current record's type, or {@code null} for an unknown code. */
    RecordType type() {
        return RecordType.of(buf[0] & 0xff);
    }

    int flags() {
        return buf[1] & 0xff;
    }

    long a() {
        return (long) LONG.get(buf, 2);
    }

    long b() {
        return (long) LONG.get(buf, 10);
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
        return SnapshotMetadata.parser().parseFrom(buf, HEADER_BYTES, payloadLength());
    }

    HardState hardStatePayload() throws InvalidProtocolBufferException {
        return HardState.parser().parseFrom(buf, HEADER_BYTES, payloadLength());
    }

    /** SEGMENT_START: the compaction point it carries. */
    SnapshotMetadata segmentCompactedTo() throws InvalidProtocolBufferException {
        int metaLength = segmentMetaLength();
        return SnapshotMetadata.parser().parseFrom(buf, HEADER_BYTES + 4, metaLength);
    }

    /** SEGMENT_START: the hard state it carries. */
    HardState segmentHardState() throws InvalidProtocolBufferException {
        int metaLength = segmentMetaLength();
        return HardState.parser().parseFrom(buf, HEADER_BYTES + 4 + metaLength, payloadLength() - 4 - metaLength);
    }

    private int segmentMetaLength() throws InvalidProtocolBufferException {
        int metaLength = payloadLength() >= 4 ? (int) INT.get(buf, HEADER_BYTES) : -1;
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
        if ((int) INT.get(record, 18) != n - OVERHEAD_BYTES) {
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
