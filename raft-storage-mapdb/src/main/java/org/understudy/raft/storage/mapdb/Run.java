package org.understudy.raft.storage.mapdb;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.understudy.raft.proto.Entry;

/**
 * Consecutive entries stored as one record in a value segment ({@link SegmentRecord}), keyed
 * by the first one's index: what one {@code append} wrote (split when large, trimmed by
 * truncation and compaction). Held as the record's raw bytes plus where each frame starts;
 * an entry is checked (its own CRC32C) and parsed only when it is first asked for, so a read of
 * one entry of a run read from disk costs one checksum and one parse, not one per entry.
 *
 * <p>Parsed entries alias the record's bytes (their {@code data} is a view of it, never
 * copied), and the record is never changed after it was made, so a run can be shared by
 * readers on any thread, e.g. through the {@link RunCache}; a parsed entry is published
 * through an {@link AtomicReferenceArray}, so every reader sees it whole. A caller that keeps
 * one entry keeps its run's record (at most {@code RUN_MAX_BYTES} and a frame) alive.
 */
final class Run {

    /** Heap bytes per entry beyond the record: its frame offset, its slot and a parsed {@code Entry}, roughly. */
    private static final int ENTRY_OVERHEAD = 112;

    private final long first;
    private final RunPointer where;
    private final byte[] record;
    private final int[] frames;
    private final AtomicReferenceArray<Entry> parsed;

    private Run(long first, RunPointer where, byte[] record, int[] frames) {
        this.first = first;
        this.where = where;
        this.record = record;
        this.frames = frames;
        this.parsed = new AtomicReferenceArray<>(frames.length);
    }

    /**
     * The run stored under {@code first} at {@code where}, whose record is {@code record}: the
     * header and the frame heads are checked here, each entry's checksum when it is read.
     */
    static Run of(long first, RunPointer where, byte[] record) throws SegmentRecord.BadRecordException {
        return new Run(first, where, record, SegmentRecord.frames(first, where.count(), record));
    }

    long first() {
        return first;
    }

    long last() {
        return first + frames.length - 1;
    }

    int size() {
        return frames.length;
    }

    boolean contains(long index) {
        return index >= first && index <= last();
    }

    /** Where the record lies on disk. */
    RunPointer where() {
        return where;
    }

    /** The entry at {@code index} ({@link #contains}), checked against its checksum and frame. */
    Entry entry(long index) throws SegmentRecord.BadRecordException {
        int k = (int) (index - first);
        Entry e = parsed.get(k);
        if (e == null) {
            e = parse(index, frames[k]);
            parsed.set(k, e);
        }
        return e;
    }

    private Entry parse(long index, int at) throws SegmentRecord.BadRecordException {
        if (!SegmentRecord.entryIntact(index, record, at)) {
            throw new SegmentRecord.BadRecordException("has entry " + index + " (frame at byte " + at
                    + " of the record) failing its CRC32C checksum");
        }
        ByteBuffer buf = ByteBuffer.wrap(record);
        long term = buf.getLong(at);
        int len = buf.getInt(at + Long.BYTES);
        Entry e;
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(record, at + SegmentRecord.FRAME_HEAD, len).newCodedInput();
            in.enableAliasing(true);
            e = Entry.parser().parseFrom(in);
        } catch (InvalidProtocolBufferException ex) {
            throw new SegmentRecord.BadRecordException("has entry " + index + " that does not parse", ex);
        }
        if (e.getIndex() != index || e.getTerm() != term) {
            throw new SegmentRecord.BadRecordException("has entry " + index + " holding index " + e.getIndex() + " and term "
                    + e.getTerm() + ", where its frame says term " + term);
        }
        return e;
    }

    /** Checks every entry's checksum without parsing any: what opening does. */
    void checkAll() throws SegmentRecord.BadRecordException {
        for (int k = 0; k < frames.length; k++) {
            if (!SegmentRecord.entryIntact(first + k, record, frames[k])) {
                throw new SegmentRecord.BadRecordException("has entry " + (first + k) + " (frame at byte " + frames[k]
                        + " of the record) failing its CRC32C checksum");
            }
        }
    }

    /** Heap bytes this run holds, roughly: the record and the per-entry bookkeeping. */
    long weight() {
        return 64L + record.length + (long) ENTRY_OVERHEAD * frames.length;
    }

    /** The record of the entries before {@code index} ({@code first < index <= last}). */
    byte[] recordBefore(long index) {
        int k = (int) (index - first);
        return SegmentRecord.slice(first, k, record, SegmentRecord.HEADER_BYTES, frames[k]);
    }

    /** The record of the entries from {@code index} on ({@code first < index <= last}). */
    byte[] recordFrom(long index) {
        int k = (int) (index - first);
        return SegmentRecord.slice(index, frames.length - k, record, frames[k], record.length);
    }
}
