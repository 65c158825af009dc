package org.understudy.raft.storage.chronicle;

/**
 * Where a record is on disk, packed in one {@code long}: its segment (Chronicle cycle) and the
 * byte offset of its body in that segment's file. This is what {@link PositionTable} keeps per
 * live entry, so that a read goes straight to the bytes ({@link MappedSegments}) instead of asking
 * Chronicle to find a queue index (a walk of its index structures, ~100× slower; see
 * {@link MappedSegments}).
 *
 * <p>Layout: bit 63 is 0 (so no position equals {@link PositionTable#UNKNOWN}), bits 41..62 the
 * cycle, bits 0..40 the offset. Why these widths: Chronicle names a cycle's file by its date
 * ({@code yyyyMMdd}), which runs out at the year 9999, cycle ~2.9 million, below the 2^22 = 4.2
 * million cycles here; and a segment is at most {@link ChronicleLogSettings#segmentBytes()} (at
 * most 2^40) plus one append batch, below the 2^41 bytes here.
 */
final class RecordPosition {

    static final int OFFSET_BITS = 41;
    static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;
    static final int MAX_CYCLE = (1 << (63 - OFFSET_BITS)) - 1;

    private RecordPosition() {}

    /** The position of a record body at byte {@code offset} of segment {@code cycle}'s file. */
    static long of(int cycle, long offset) {
        if (cycle < 0 || cycle > MAX_CYCLE || offset < 0 || offset > MAX_OFFSET) {
            throw new IllegalStateException("a record at byte " + offset + " of segment " + cycle
                    + " is beyond what the log can address (segments 0.." + MAX_CYCLE + ", bytes 0.." + MAX_OFFSET + ")");
        }
        return ((long) cycle << OFFSET_BITS) | offset;
    }

    static int cycle(long position) {
        return (int) (position >>> OFFSET_BITS);
    }

    static long offset(long position) {
        return position & MAX_OFFSET;
    }
}
