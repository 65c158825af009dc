package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.storage.DataDirectory;

/**
 * The value segments of a log directory: append-only files {@code values-<20-digit number>.seg}
 * holding the run records ({@link SegmentRecord}) that the {@code runs} B-tree points at
 * ({@link RunPointer}). Records are appended to the <em>active</em> segment (the highest
 * number) with positional writes, so readers can read them back before any sync; once it holds
 * {@code segmentBytes}, the next record starts a new segment.
 *
 * <p>Each segment's live pointers are counted in memory (rebuilt from the B-tree on open). A
 * segment whose count drops to zero and that is not the active one holds only garbage (runs
 * since rewritten, truncated or compacted) and is deleted, but only by
 * {@link #deleteUnreferenced()}, which the log calls after the commit that dropped the last
 * pointer is durable: a crash can never leave a durable pointer to a deleted file.
 *
 * <p>Threading: one writer (appends, {@link #force()}, counts, deletion); readers on any thread
 * use {@link #read}, which goes through a separate read-only channel per segment. A reader that
 * is interrupted during a read makes the JDK close that channel; the next reader reopens it, so
 * one interrupted thread neither breaks reads for the others nor touches the writer's channel.
 * A segment is deleted only while the log holds its rewrite lock for writing, so an optimistic
 * reader that raced a deletion is told to read again.
 */
final class ValueSegments implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ValueSegments.class);

    /** Size at which a new segment is started. */
    static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    private final Path dir;
    private final long segmentBytes;
    /** Read-only channels of every segment, by number. */
    private final Map<Long, FileChannel> readers = new ConcurrentHashMap<>();
    /** Live pointers per segment (writer only). */
    private final Map<Long, Integer> live = new HashMap<>();
    /** Segments whose count fell to zero: deleted once they are not active (writer only). */
    private final Set<Long> unreferenced = new TreeSet<>();
    /** Write channels of segments written since the last force, the active one included (writer only). */
    private final Map<Long, FileChannel> unsynced = new LinkedHashMap<>();
    private long active;
    private FileChannel writer;
    private long activeEnd;
    private boolean directoryChanged;
    /** The active segment and its end at the last {@link #force()}: what a clean close keeps. */
    private long forcedSegment;
    private long forcedEnd;

    private ValueSegments(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the segments in {@code dir} for reading. Nothing can be appended until
     * {@link #finishOpen} has said where the log's records end.
     */
    static ValueSegments open(Path dir, long segmentBytes) {
        ValueSegments s = new ValueSegments(dir, segmentBytes);
        try {
            for (long n : list(dir)) {
                s.readers.put(n, FileChannel.open(LogFiles.segment(dir, n), StandardOpenOption.READ));
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw StorageErrors.translate("open the value segments in", dir, e, false);
        }
    }

    /** The numbers of the segment files in {@code dir}, in order. */
    static TreeSet<Long> list(Path dir) throws IOException {
        TreeSet<Long> numbers = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, LogFiles.SEGMENT_GLOB)) {
            for (Path f : files) {
                long n = LogFiles.segmentNumber(f.getFileName().toString());
                if (n > 0) {
                    numbers.add(n);
                }
            }
        }
        return numbers;
    }

    Path path(long segment) {
        return LogFiles.segment(dir, segment);
    }

    /** Whether segment {@code segment} is there to be read. */
    boolean exists(long segment) {
        return readers.containsKey(segment);
    }

    // ------------------------------------------------------------------ opening

    /** The numbers of the segments there are, in order. */
    TreeSet<Long> numbers() {
        return new TreeSet<>(readers.keySet());
    }

    /** The length of segment {@code segment}'s file, or -1 if there is no such segment. */
    long size(long segment) {
        FileChannel ch = readers.get(segment);
        try {
            return ch == null ? -1 : ch.size();
        } catch (IOException e) {
            throw StorageErrors.translate("read the size of", path(segment), e, false);
        }
    }

    /**
     * The run whose record starts at {@code offset} of {@code segment}, if a whole record that
     * passes every check (header, frames, every entry's checksum) starts there; {@code null}
     * if not (the end of what was written, or a torn or garbage record).
     */
    Run readWholeRecordAt(long segment, long offset) {
        long size = size(segment);
        if (size - offset < SegmentRecord.HEADER_BYTES) {
            return null;
        }
        try {
            byte[] head = read(new RunPointer(segment, offset, SegmentRecord.HEADER_BYTES, 1));
            SegmentRecord.Header h = SegmentRecord.header(head);
            if (h == null || offset + SegmentRecord.HEADER_BYTES + h.framesLength() > size) {
                return null;
            }
            RunPointer p = new RunPointer(segment, offset, SegmentRecord.HEADER_BYTES + h.framesLength(), h.count());
            Run run = Run.of(h.first(), p, read(p));
            run.checkAll();
            return run;
        } catch (SegmentRecord.BadRecordException e) {
            return null;
        }
    }

    /**
     * Ends opening: records are appended to {@code segment} from {@code end} on. What lies after
     * that (in it, and in any later segment) was written after the last sync or is garbage:
     * it is cut off, and the cut forced to disk, so no later recovery can mistake old bytes for
     * new records. Segments no pointer names are marked for {@link #deleteUnreferenced}.
     */
    void finishOpen(long segment, long end) {
        try {
            for (long n : numbers()) {
                if (n > segment) {
                    closeQuietly(readers.remove(n));
                    Files.deleteIfExists(path(n));
                    directoryChanged = true;
                }
            }
            if (!readers.containsKey(segment)) {
                if (end > 0) {
                    throw missing(segment);
                }
                startSegment(segment);
            } else {
                active = segment;
                writer = FileChannel.open(path(segment), StandardOpenOption.READ, StandardOpenOption.WRITE);
                long size = writer.size();
                if (size > end) {
                    LOG.info("{}: cutting {} bytes after the last record of the log (written after the last sync, or garbage)",
                            path(segment), size - end);
                    writer.truncate(end);
                    writer.force(true);
                }
                activeEnd = end;
            }
            forcedSegment = active;
            forcedEnd = activeEnd;
            if (directoryChanged) {
                DataDirectory.syncDirectory(dir);
                directoryChanged = false;
            }
        } catch (IOException e) {
            throw StorageErrors.translate("cut the unsynced tail of", path(segment), e, false);
        }
        for (long n : readers.keySet()) {
            if (!live.containsKey(n)) {
                unreferenced.add(n);
            }
        }
    }

    // ------------------------------------------------------------------ writes (one thread)

    /** Appends {@code record} (of {@code count} entries) to the active segment; returns where it went. */
    RunPointer append(byte[] record, int count) {
        if (activeEnd > 0 && activeEnd + record.length > segmentBytes) {
            startSegment(active + 1);
        }
        long at = activeEnd;
        try {
            ByteBuffer buf = ByteBuffer.wrap(record);
            long pos = at;
            while (buf.hasRemaining()) {
                pos += writer.write(buf, pos);
            }
        } catch (IOException | RuntimeException e) {
            throw StorageErrors.translate("write a record to", path(active), e, false);
        }
        activeEnd = at + record.length;
        unsynced.putIfAbsent(active, writer);
        return new RunPointer(active, at, record.length, count);
    }

    private void startSegment(long n) {
        Path p = path(n);
        FileChannel w = null;
        try {
            w = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            readers.put(n, FileChannel.open(p, StandardOpenOption.READ));
        } catch (IOException | RuntimeException e) {
            closeQuietly(w);
            throw StorageErrors.translate("create the value segment", p, e, false);
        }
        if (writer != null && !unsynced.containsKey(active)) {
            closeQuietly(writer);
        }
        writer = w;
        active = n;
        activeEnd = 0;
        unsynced.putIfAbsent(n, w);
        directoryChanged = true;
    }

    /**
     * Forces every segment written since the last call (fdatasync), and the directory if a
     * segment was created: after this, every record written so far is on disk, so a commit of
     * pointers to them may follow.
     */
    void force() {
        for (Map.Entry<Long, FileChannel> e : unsynced.entrySet()) {
            try {
                e.getValue().force(false);
            } catch (IOException | RuntimeException ex) {
                throw StorageErrors.translate("sync", path(e.getKey()), ex, false);
            }
        }
        for (Map.Entry<Long, FileChannel> e : unsynced.entrySet()) {
            if (e.getKey() != active) {
                closeQuietly(e.getValue());
            }
        }
        unsynced.clear();
        if (directoryChanged) {
            DataDirectory.syncDirectory(dir);
            directoryChanged = false;
        }
        forcedSegment = active;
        forcedEnd = activeEnd;
    }

    /** Counts a pointer put to {@code segment}. */
    void retain(long segment) {
        live.merge(segment, 1, Integer::sum);
    }

    /** Counts a pointer to {@code segment} removed or replaced. */
    void release(long segment) {
        Integer now = live.computeIfPresent(segment, (k, v) -> v > 1 ? v - 1 : null);
        if (now == null) {
            unreferenced.add(segment);
        }
    }

    /** Whether {@link #deleteUnreferenced} has anything to do. */
    boolean hasUnreferenced() {
        for (long n : unreferenced) {
            if (n != active) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes every segment other than the active one that no pointer names. Call only once the
     * removal of those pointers is durable, and with readers held off (the rewrite lock).
     * Returns the segments deleted. A file that cannot be deleted is logged and tried again later.
     */
    List<Long> deleteUnreferenced() {
        List<Long> deleted = new ArrayList<>();
        for (long n : new ArrayList<>(unreferenced)) {
            if (n == active) {
                continue;
            }
            if (live.containsKey(n) || unsynced.containsKey(n)) {
                unreferenced.remove(n); // referenced again, or not yet durable
                continue;
            }
            FileChannel ch = readers.remove(n);
            closeQuietly(ch);
            try {
                Files.deleteIfExists(path(n));
                unreferenced.remove(n);
                deleted.add(n);
            } catch (IOException e) {
                LOG.warn("cannot delete the unreferenced value segment {}; will try again", path(n), e);
            }
        }
        if (!deleted.isEmpty()) {
            LOG.debug("deleted value segments {} in {}", deleted, dir);
        }
        return deleted;
    }

    // ------------------------------------------------------------------ reads (any thread)

    /**
     * The record at {@code p}, read with one positional read.
     *
     * @throws SegmentRecord.BadRecordException if the file ends before the record does
     * @throws StorageException {@code CORRUPT} if the segment file is missing, {@code IO} if the read fails
     */
    byte[] read(RunPointer p) throws SegmentRecord.BadRecordException {
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = readers.get(p.segment());
            if (ch == null) {
                throw missing(p.segment());
            }
            try {
                ByteBuffer buf = ByteBuffer.allocate(p.length());
                long at = p.offset();
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, at);
                    if (n < 0) {
                        throw new SegmentRecord.BadRecordException("is cut short: the file ends at byte " + at + ", before the "
                                + p.length() + "-byte record does");
                    }
                    at += n;
                }
                return buf.array();
            } catch (ClosedByInterruptException e) {
                reopen(p.segment(), ch); // for the other readers; this thread was interrupted
                throw StorageErrors.translate("read a record from", path(p.segment()), e, false);
            } catch (ClosedChannelException e) {
                if (attempt == 0 && reopen(p.segment(), ch)) {
                    continue; // another reader was interrupted and closed it
                }
                throw StorageErrors.translate("read a record from", path(p.segment()), e, false);
            } catch (IOException e) {
                throw StorageErrors.translate("read a record from", path(p.segment()), e, false);
            }
        }
    }

    /** Replaces a closed read channel, unless the segment was deleted meanwhile. */
    private boolean reopen(long segment, FileChannel closed) {
        synchronized (readers) {
            if (readers.get(segment) != closed) {
                return readers.containsKey(segment);
            }
            try {
                readers.put(segment, FileChannel.open(path(segment), StandardOpenOption.READ));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    StorageException missing(long segment) {
        return new StorageException(Kind.CORRUPT, "the value segment " + path(segment) + " is missing, but the log's "
                + "index (" + LogFiles.MAIN + ") names records in it; the log is damaged: restore the file or restore "
                + "this node from a replica (wipe its data directory)");
    }

    /** The segment records are appended to. */
    long active() {
        return active;
    }

    /** Where the next record goes in the active segment. */
    long activeEnd() {
        return activeEnd;
    }

    /** Live pointers into {@code segment}, for tests. */
    int liveCount(long segment) {
        return live.getOrDefault(segment, 0);
    }

    @Override
    public void close() {
        close(false);
    }

    /**
     * Closes every file. With {@code dropUnsynced}, first cuts the records appended to the active
     * segment since the last {@link #force()}, so that a clean close drops unsynced appends (a
     * crash may keep them, which the log's contract allows).
     */
    void close(boolean dropUnsynced) {
        if (dropUnsynced && writer != null && writer.isOpen() && forcedSegment == active && activeEnd > forcedEnd) {
            try {
                writer.truncate(forcedEnd);
            } catch (IOException e) {
                LOG.warn("cannot cut the unsynced appends off {}; the next open may keep them", path(active), e);
            }
        }
        Set<FileChannel> all = new HashSet<>(readers.values());
        all.addAll(unsynced.values());
        if (writer != null) {
            all.add(writer);
        }
        for (FileChannel ch : all) {
            closeQuietly(ch);
        }
        readers.clear();
        unsynced.clear();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a channel we only read or already forced loses nothing
            }
        }
    }
}
