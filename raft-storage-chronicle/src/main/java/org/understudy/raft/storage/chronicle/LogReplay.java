package org.understudy.raft.storage.chronicle;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * Rebuilds the log's state on open by reading every record of the queue in order and applying it
 * exactly as the writer did: the compaction point, the hard state, the last index, the position of
 * every live entry ({@link PositionTable}) and the terms ({@link TermRuns}).
 *
 * <h2>Damaged records</h2>
 * Every record is checked (length, CRC32C, type). A damaged record is not applied, nor is anything
 * after it in its document (the intact records before it in the document are: the tail is cut back
 * to the last whole record); what follows it decides what it means:
 * <ul>
 *   <li>nothing: a torn tail, the last writes of a process that stopped before syncing them. They
 *       are reported in {@link #damagedTail()} for the log to drop (it logs them and appends a
 *       {@link RecordType#SKIP SKIP} marker naming them, so later opens know them);</li>
 *   <li>a SKIP marker naming exactly the damaged records: a tail dropped at an earlier open;</li>
 *   <li>anything else: damage in the middle of the log, which is never skipped silently. Open
 *       fails with {@link Kind#CORRUPT}, naming the file and the byte position.</li>
 * </ul>
 * A record that is intact but does not fit the state (an entry that leaves a gap, a segment start
 * that disagrees with the replayed state) is {@link Kind#CORRUPT} too, wherever it is.
 *
 * <h2>Deleted segments</h2>
 * Replay starts at the oldest segment still present, whose first record ({@link
 * RecordType#SEGMENT_START}) carries the state at that point. Entries that were live then have
 * their records in deleted files; they must all be compacted or overwritten by the end of replay,
 * or open fails with {@link Kind#CORRUPT}.
 */
final class LogReplay {

    /** A record that failed its checks. */
    record DamagedRecord(long queueIndex, File file, long position, int length, String problem) {
        @Override
        public String toString() {
            return "queue index " + Long.toHexString(queueIndex) + " (" + length + " bytes at byte " + position + " of "
                    + (file == null ? "?" : file.getName()) + "): " + problem;
        }
    }

    private final LogRecord record = new LogRecord(4096);
    private final int formatVersion;

    private boolean started;
    private SnapshotMetadata compactedTo = SnapshotMetadata.getDefaultInstance();
    private HardState hardState = HardState.getDefaultInstance();
    private long lastIndex;
    /** Live entries up to here have their records in deleted segments (so far unknown). */
    private long unknownUpTo;
    private final PositionTable positions = new PositionTable(1);
    private final TermRuns terms = new TermRuns();
    private final List<DamagedRecord> damaged = new ArrayList<>();
    private long records;
    private int lastCycle = Integer.MIN_VALUE;
    private long lastCycleStart;
    private long lastEnd;

    private LogReplay(int formatVersion) {
        this.formatVersion = formatVersion;
    }

    /** Replays every record {@code tailer} (at the start of the queue) gives. */
    static LogReplay run(ExcerptTailer tailer, int formatVersion) {
        LogReplay replay = new LogReplay(formatVersion);
        replay.readAll(tailer);
        return replay;
    }

    private void readAll(ExcerptTailer tailer) {
        while (true) {
            long queueIndex;
            long position;
            int length;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                queueIndex = dc.index();
                Bytes<?> bytes = dc.wire().bytes();
                position = bytes.readPosition();
                length = (int) bytes.readRemaining();
                bytes.read(record.receive(length), 0, length);
                int cycle = LogQueue.cycleOf(queueIndex);
                if (cycle != lastCycle) {
                    lastCycle = cycle;
                    lastCycleStart = position;
                }
                lastEnd = position + length;
            } catch (RuntimeException e) {
                throw new StorageException(Kind.CORRUPT, "the Chronicle queue " + fileName(tailer)
                        + " cannot be read after queue index " + Long.toHexString(tailer.index()) + ": " + e, e);
            }
            // A document holds one record or (format 2) a run of entry records. Check them all
            // first: a document is applied whole, or, when a record in it is damaged, only its
            // records before that one (the tail is cut back to the last whole record) and only
            // when no damage came before it.
            String problem = null;
            int intact = 0;
            int damagedAt = 0;
            for (int offset = 0; offset < length; offset += record.length()) {
                problem = record.checkAt(offset, length - offset);
                if (problem != null) {
                    damagedAt = offset;
                    break;
                }
                intact++;
            }
            if (length == 0) {
                problem = "0 bytes is shorter than any record";
            }
            File file = tailer.currentFile();
            if (problem == null && !damaged.isEmpty()) {
                records += intact;
                record.at(0);
                acceptSkipOrFail(queueIndex, file, position, intact == 1);
                continue;
            }
            if (problem != null && length > 0) {
                failIfIntactRecordFollows(queueIndex, file, position, damagedAt, length, problem);
            }
            if (damaged.isEmpty()) {
                applyRecords(queueIndex, file, position, problem == null ? length : damagedAt);
            }
            if (problem != null) {
                records++;
                String where = damagedAt == 0 ? problem
                        : "the record at byte " + damagedAt + " of the document (after " + intact + " intact records, which were kept): " + problem;
                damaged.add(new DamagedRecord(queueIndex, file, position + damagedAt, length - damagedAt, where));
            }
        }
        if (started && positions.first() <= Math.min(unknownUpTo, lastIndex)) {
            throw new StorageException(Kind.CORRUPT, "the log's entries " + positions.first() + ".." + Math.min(unknownUpTo, lastIndex)
                    + " are live but their records were in segment files that no longer exist (in " + fileName(tailer) + ")");
        }
    }

    /**
     * A damaged record inside a run: if a later record of the same document is intact, this is
     * damage in the middle of the log, not a torn tail, exactly as a damaged document followed by
     * an intact one is. (The damaged record's length field is trusted only to find where its
     * successor would begin; when it is garbage, nothing intact is found and the rest of the
     * document counts as the torn tail.)
     */
    private void failIfIntactRecordFollows(long queueIndex, File file, long position, int damagedAt, int length, String problem) {
        int offset = damagedAt + record.length();
        while (offset > damagedAt && offset < length) {
            if (record.checkAt(offset, length - offset) == null) {
                throw new StorageException(Kind.CORRUPT, "the log record at byte " + (position + damagedAt) + " of " + name(file)
                        + " (queue index " + Long.toHexString(queueIndex) + "): " + problem + "; it is followed by valid records (the"
                        + " next at byte " + (position + offset) + "), so this is damage in the middle of the log, not a torn write at"
                        + " its end. Restore this node's log directory from a backup, or remove it and let the node catch up from the"
                        + " leader");
            }
            offset += record.length();
        }
    }

    /** Applies the (checked) records in the first {@code length} bytes of the document read at {@code position}. */
    private void applyRecords(long queueIndex, File file, long position, int length) {
        for (int offset = 0; offset < length; offset += record.length()) {
            record.at(offset);
            records++;
            apply(queueIndex, file, position + offset);
        }
    }

    private void acceptSkipOrFail(long queueIndex, File file, long position, boolean single) {
        DamagedRecord first = damaged.get(0);
        DamagedRecord last = damaged.get(damaged.size() - 1);
        if (single && record.type() == RecordType.SKIP && record.a() == first.queueIndex() && record.b() == last.queueIndex()) {
            damaged.clear(); // dropped at an earlier open
            return;
        }
        throw new StorageException(Kind.CORRUPT, "the log record at " + first + "; it is followed by valid records (the next at queue index "
                + Long.toHexString(queueIndex) + ", byte " + position + " of " + name(file) + "), so this is damage in the middle of the"
                + " log, not a torn write at its end. Restore this node's log directory from a backup, or remove it and let the node"
                + " catch up from the leader");
    }

    private void apply(long queueIndex, File file, long position) {
        RecordType type = record.type();
        try {
            if (type == RecordType.SEGMENT_START) {
                applySegmentStart(file, position);
                return;
            }
            if (!started) {
                throw corrupt(queueIndex, file, position, "the log does not begin with a segment start record");
            }
            switch (type) {
                case ENTRY -> applyEntry(queueIndex, file, position);
                case TRUNCATE -> applyTruncate(queueIndex, file, position);
                case COMPACT -> applyCompact(queueIndex, file, position);
                case HARD_STATE -> hardState = record.hardStatePayload();
                case SKIP -> throw corrupt(queueIndex, file, position, "a SKIP marker follows no damaged record");
                default -> throw corrupt(queueIndex, file, position, "unexpected record type " + type);
            }
        } catch (InvalidProtocolBufferException e) {
            throw corrupt(queueIndex, file, position, "its " + type + " payload does not parse: " + e.getMessage());
        }
    }

    private void applySegmentStart(File file, long position) throws InvalidProtocolBufferException {
        long version = record.b();
        if (version < 1 || version > formatVersion) {
            throw new StorageException(Kind.UNSUPPORTED_FORMAT, name(file) + " is in Chronicle log format version " + version
                    + "; this build reads versions 1.." + formatVersion);
        }
        SnapshotMetadata segmentCompactedTo = record.segmentCompactedTo();
        HardState segmentHardState = record.segmentHardState();
        long segmentLast = record.a();
        if (!started) {
            started = true;
            compactedTo = segmentCompactedTo;
            hardState = segmentHardState;
            lastIndex = segmentLast;
            positions.reset(compactedTo.getIndex() + 1);
            terms.clear();
            for (long i = compactedTo.getIndex() + 1; i <= segmentLast; i++) {
                positions.append(i, PositionTable.UNKNOWN);
            }
            unknownUpTo = segmentLast;
            return;
        }
        if (!segmentCompactedTo.equals(compactedTo) || !segmentHardState.equals(hardState) || segmentLast != lastIndex) {
            throw new StorageException(Kind.CORRUPT, "the segment start record at byte " + position + " of " + name(file)
                    + " (compacted to " + segmentCompactedTo.getIndex() + ", last index " + segmentLast + ") disagrees with the records"
                    + " before it (compacted to " + compactedTo.getIndex() + ", last index " + lastIndex + ")");
        }
    }

    private void applyEntry(long queueIndex, File file, long position) {
        long index = record.a();
        if (index <= compactedTo.getIndex() || index > lastIndex + 1) {
            throw corrupt(queueIndex, file, position, "entry " + index + " does not fit a log compacted to "
                    + compactedTo.getIndex() + " whose last index is " + lastIndex);
        }
        positions.truncateFrom(index);
        positions.append(index, RecordPosition.of(LogQueue.cycleOf(queueIndex), position));
        terms.truncateFrom(index);
        terms.append(index, record.b());
        lastIndex = index;
        unknownUpTo = Math.min(unknownUpTo, index - 1);
    }

    private void applyTruncate(long queueIndex, File file, long position) {
        long from = record.a();
        if (from <= compactedTo.getIndex() || from > lastIndex) {
            throw corrupt(queueIndex, file, position, "truncation from " + from + " does not fit a log compacted to "
                    + compactedTo.getIndex() + " whose last index is " + lastIndex);
        }
        positions.truncateFrom(from);
        terms.truncateFrom(from);
        lastIndex = from - 1;
        unknownUpTo = Math.min(unknownUpTo, lastIndex);
    }

    private void applyCompact(long queueIndex, File file, long position) throws InvalidProtocolBufferException {
        SnapshotMetadata snapshot = record.snapshotPayload();
        boolean kept = record.flags() == 1;
        long lastAfter = record.a();
        long index = snapshot.getIndex();
        if (index <= compactedTo.getIndex()
                || (kept && (index > lastIndex || lastAfter != lastIndex))
                || (!kept && lastAfter != index)) {
            throw corrupt(queueIndex, file, position, "compaction to " + index + " (entries kept: " + kept + ", last index after: "
                    + lastAfter + ") does not fit a log compacted to " + compactedTo.getIndex() + " whose last index is " + lastIndex);
        }
        if (kept) {
            positions.dropUpTo(index);
            terms.dropBefore(index + 1);
        } else {
            positions.reset(index + 1);
            terms.clear();
            lastIndex = index;
        }
        compactedTo = snapshot;
    }

    private StorageException corrupt(long queueIndex, File file, long position, String problem) {
        return new StorageException(Kind.CORRUPT, "the log record at queue index " + Long.toHexString(queueIndex) + " (byte " + position
                + " of " + name(file) + ") is intact but invalid: " + problem);
    }

    private static String name(File file) {
        return file == null ? "an unknown segment file" : file.getPath();
    }

    private static String fileName(ExcerptTailer tailer) {
        File file = tailer.currentFile();
        return file == null ? String.valueOf(tailer.queue().fileAbsolutePath()) : file.getPath();
    }

    // ------------------------------------------------------------------ results

    /** Whether the queue held any record (a new log writes its first segment start). */
    boolean empty() {
        return records == 0;
    }

    boolean started() {
        return started;
    }

    SnapshotMetadata compactedTo() {
        return compactedTo;
    }

    HardState hardState() {
        return hardState;
    }

    long lastIndex() {
        return lastIndex;
    }

    PositionTable positions() {
        return positions;
    }

    TermRuns terms() {
        return terms;
    }

    /** The damaged records at the tail, oldest first; empty when the tail is whole. */
    List<DamagedRecord> damagedTail() {
        return damaged;
    }

    long records() {
        return records;
    }

    /** The segment of the last record read, where its first record starts and where its last ends. */
    int lastCycle() {
        return lastCycle;
    }

    long lastCycleStart() {
        return lastCycleStart;
    }

    long lastEnd() {
        return lastEnd;
    }
}
