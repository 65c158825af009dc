package org.understudy.raft.storage.chronicle;

import java.util.Arrays;

/**
 * Where each live Raft entry is on disk: Raft index to {@link RecordPosition} (segment and byte
 * offset of its record), for the indexes {@code first() .. last()}. A position rather than
 * Chronicle's queue index, because a read then goes straight to the bytes ({@link MappedSegments})
 * instead of through Chronicle's index.
 *
 * <p>Records are of varying size, segments roll by size, and a truncated or overwritten entry
 * leaves its old records behind, so the mapping cannot be computed; it is kept here in primitive {@code long} chunks of {@value #CHUNK} slots (8 bytes per live
 * entry, no boxing). Dropping a compacted prefix or a truncated suffix frees whole chunks, so the
 * table follows the live window of the log rather than its history.
 *
 * <p>Not thread-safe: the log guards it with its read-write lock.
 */
final class PositionTable {

    /** A slot whose record lies in a segment file that no longer exists (only during replay). */
    static final long UNKNOWN = -1;

    private static final int CHUNK_BITS = 13;
    static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MASK = CHUNK - 1;

    private long[][] chunks = new long[4][];
    /** The chunk number (index >>> CHUNK_BITS) of {@code chunks[0]}. */
    private long firstChunk;
    private int chunkCount;
    private long first;
    private long last;

    /** An empty table whose first index will be {@code first}. */
    PositionTable(long first) {
        reset(first);
    }

    long first() {
        return first;
    }

    long last() {
        return last;
    }

    boolean isEmpty() {
        return last < first;
    }

    /** The record position of Raft index {@code index}, which must lie in {@code first() .. last()}. */
    long get(long index) {
        if (index < first || index > last) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + first + ", " + last + "]");
        }
        return chunks[(int) ((index >>> CHUNK_BITS) - firstChunk)][(int) (index & MASK)];
    }

    /** Adds {@code index = last() + 1} at record position {@code position}. */
    void append(long index, long position) {
        if (index != last + 1) {
            throw new IllegalArgumentException("append " + index + " after " + last);
        }
        long chunk = index >>> CHUNK_BITS;
        int slot = (int) (chunk - firstChunk);
        if (slot == chunkCount) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[chunkCount++] = new long[CHUNK];
        }
        chunks[slot][(int) (index & MASK)] = position;
        last = index;
    }

    /** Forgets {@code fromIndex} and everything after it. */
    void truncateFrom(long fromIndex) {
        if (fromIndex > last) {
            return;
        }
        last = Math.max(fromIndex, first) - 1;
        // Keep the chunk that holds `last` (or the first chunk, when empty); free the rest.
        long keepUpTo = Math.max(last, first) >>> CHUNK_BITS;
        int keep = (int) Math.max(0, keepUpTo - firstChunk + (isEmpty() ? 0 : 1));
        for (int c = keep; c < chunkCount; c++) {
            chunks[c] = null;
        }
        chunkCount = Math.min(chunkCount, keep);
    }

    /** Forgets everything up to and including {@code index} (a compacted prefix). */
    void dropUpTo(long index) {
        if (index < first) {
            return;
        }
        if (index >= last) {
            reset(index + 1);
            return;
        }
        first = index + 1;
        int drop = (int) ((first >>> CHUNK_BITS) - firstChunk);
        if (drop > 0) {
            System.arraycopy(chunks, drop, chunks, 0, chunkCount - drop);
            Arrays.fill(chunks, chunkCount - drop, chunkCount, null);
            chunkCount -= drop;
            firstChunk += drop;
        }
    }

    /** Empties the table; the next index appended will be {@code newFirst}. */
    void reset(long newFirst) {
        Arrays.fill(chunks, null);
        chunkCount = 0;
        first = newFirst;
        last = newFirst - 1;
        firstChunk = newFirst >>> CHUNK_BITS;
    }

    /** Slots allocated, for tests of memory use. */
    long allocatedSlots() {
        return (long) chunkCount * CHUNK;
    }
}
