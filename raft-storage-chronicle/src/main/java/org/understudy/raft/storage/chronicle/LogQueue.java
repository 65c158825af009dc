package org.understudy.raft.storage.chronicle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.storage.DataDirectory;

/**
 * The Chronicle queue under the log: appending records, rolling segments by size, syncing,
 * reading records by {@link RecordPosition}, and deleting whole segments.
 *
 * <p>Appends, rolls, syncs and deletions come from the one writer thread; reads from any thread,
 * straight from read-only mappings of the segment files ({@link MappedSegments}), not through
 * Chronicle tailers: Chronicle only finds a record by walking its index, which made a random read
 * cost ~100× a mapped one. Replay, which reads every record in order, uses a tailer.
 *
 * <h2>Durability</h2>
 * The queue is written through a memory mapping. {@link #sync()} calls {@code fdatasync} on the
 * current segment file through a channel of its own, which writes back every page dirtied through
 * the mapping. It does not use Chronicle's {@code appender.sync()}: that issues the same kind of
 * call ({@code msync}) but only logs a failure, and a failed sync must stop the node.
 */
final class LogQueue implements AutoCloseable {

    /**
     * One Chronicle cycle is one segment; the period is irrelevant (see {@link SegmentClock}).
     * FAST_DAILY allows 2^32 records per segment and 2^31 segments.
     */
    static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    static final String SUFFIX = SingleChronicleQueue.SUFFIX;

    /**
     * Chronicle maps files in blocks of this size; one document may be at most a quarter of it.
     * Sparse files mean a small segment does not take this much disk.
     */
    static final long BLOCK_SIZE = 64L << 20;
    /** The largest record Chronicle accepts with {@link #BLOCK_SIZE}. */
    static final int MAX_RECORD_BYTES = (int) (BLOCK_SIZE / 4) - 64;

    /**
     * Chronicle indexes every {@code INDEX_SPACING}-th record of a segment (its default for this
     * roll cycle is every 64th). The log never looks records up through Chronicle's index: reads
     * go to a {@link RecordPosition}, replay reads in order. But each index entry is written into
     * an index page near the start of the segment file, so with 64 a batch of 256 records dirtied
     * that page on every sync: one more 4 KiB write, apart from the data, that the fdatasync waits
     * for. Measured with {@code AppendSyncProbe} (256 × 1 KiB per sync, block-layer tracing): each
     * sync wrote the segment header page, that index page, the data and the inode; with 16384 the
     * index page is dirtied once per 16384 records (every 64 syncs of 256), disk writes per sync
     * went from 5.2 to 4.4, and chronicle's JMH rate (batch 256 × 1 KiB, alternated runs, load
     * ~1.5) rose ~5 %: medians 372, 387, 400 → 403, 403, 420 batches/s (raw 750–950).
     * The cost: where Chronicle has to find a record's sequence number (at open, for the append
     * position) it scans forward from the last index entry, up to 16384 records: less than the
     * replay at open already reads. The spacing is stored in each segment
     * file's header, so segments written with the old spacing are read as before (checked by
     * reopening such a log, appending, and reading every 97th entry back).
     */
    static final int INDEX_SPACING = 1 << 14;

    private static final DateTimeFormatter FILE_NAMES =
            DateTimeFormatter.ofPattern(ROLL_CYCLE.format()).withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long segmentBytes;
    private final SegmentClock clock;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final MappedRegionAdvisor advisor = new MappedRegionAdvisor();

    // Writer-thread state.
    private FileChannel segmentChannel;
    private int segmentChannelCycle = Integer.MIN_VALUE;
    /** Where the current segment's first record begins (Chronicle's own header and index come before it), or -1. */
    private long segmentBase = -1;
    private long segmentPosition;
    private boolean unsynced;
    private boolean directoryUnsynced;

    // Readers' mappings of the segment files.
    private final MappedSegments segments = new MappedSegments(this::segmentFile);

    private LogQueue(Path dir, ChronicleLogSettings settings) {
        this.dir = dir;
        this.segmentBytes = settings.segmentBytes();
        this.clock = new SegmentClock(ROLL_CYCLE, 0);
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(ROLL_CYCLE)
                .indexSpacing(INDEX_SPACING)
                .epoch(0)
                .timeProvider(clock)
                .blockSize(BLOCK_SIZE)
                // We fsync ourselves (see the class comment); nothing in the background.
                .syncMode(SyncMode.NONE)
                .build();
        try {
            int lastCycle = queue.lastCycle();
            clock.set(Math.max(0, lastCycle));
            // Creating the appender first also marks older segments of a crashed process as ended.
            this.appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true); // created here, used by the writer thread
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    /** Opens (or creates) the queue in {@code dir}. */
    static LogQueue open(Path dir, ChronicleLogSettings settings) {
        try {
            return new LogQueue(dir, settings);
        } catch (RuntimeException e) {
            throw new StorageException(Kind.IO, "cannot open the Chronicle queue in " + dir + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------ writing (one thread)

    /** Appends one record as a document of its own; returns its {@link RecordPosition}. */
    long append(LogRecord record) {
        return append(record.bytes(), record.length());
    }

    /**
     * Appends {@code body[0 .. length)} (one or more whole records) as one document; returns the
     * {@link RecordPosition} of its first byte (a record at offset k of {@code body} is at that
     * position + k).
     *
     * <p>Chronicle writes the document's header through its mapping; the body goes into the file
     * with one positioned {@code write} on the sync channel, Chronicle only moving its write
     * position past it. Why: writing through the mapping cost a page fault per page and, at each
     * sync, write-protecting every page again for the next dirty tracking; with 256 × 1 KiB per
     * sync the log reached about half of a plain {@code write} + {@code fdatasync}, and with the
     * body written like the plain file it gets most of the way (module README, "Where an
     * append+sync's time goes"). Both paths go through the same page cache, so the mapping, the
     * readers' mappings and the tailer see the bytes at once; the document becomes complete for
     * readers only when Chronicle writes its header at the end of the document context, after the
     * write returned; one {@code fdatasync} of the file makes both durable.
     */
    long append(byte[] body, int length) {
        long at;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                Bytes<?> bytes = dc.wire().bytes();
                advisor.advise(bytes.bytesStore());
                at = bytes.writePosition(); // a file offset: Chronicle's bytes span the whole segment file
                if (segmentBase < 0) {
                    segmentBase = at;
                }
                if (segmentChannelCycle != clock.cycle()) {
                    openSegmentChannel(); // the document context has created the segment's file
                }
                bytes.writeSkip(length); // Chronicle maps (and so extends the file) up to the document's end
                writeFully(body, length, at);
                segmentPosition = bytes.writePosition();
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose(); // never leave half a record behind
                throw e;
            }
        }
        unsynced = true;
        return RecordPosition.of(clock.cycle(), at);
    }

    private void writeFully(byte[] body, int length, long at) {
        ByteBuffer src = ByteBuffer.wrap(body, 0, length);
        long position = at;
        try {
            while (src.hasRemaining()) {
                position += segmentChannel.write(src, position);
            }
        } catch (IOException e) {
            throw new StorageException(kindOf(e), "cannot write " + length + " bytes at byte " + at + " of "
                    + segmentFile(segmentChannelCycle) + ": " + e.getMessage(), e);
        }
    }

    /** Whether the current segment has reached its size; the writer then calls {@link #startNextSegment()}. */
    boolean segmentFull() {
        return segmentBase >= 0 && segmentPosition - segmentBase >= segmentBytes;
    }

    /**
     * Makes the current segment durable and moves to the next one: the next {@link #append}
     * creates its file. Syncing here keeps {@link #sync()} a matter of one file.
     */
    void startNextSegment() {
        sync();
        closeSegmentChannel();
        clock.advance();
        segmentBase = -1;
        segmentPosition = 0;
        directoryUnsynced = true; // the new file's directory entry
    }

    /** Makes every append so far durable: one fdatasync of the current segment (and of the directory after a roll). */
    void sync() {
        if (unsynced) {
            try {
                segmentChannel.force(false);
            } catch (IOException e) {
                throw new StorageException(kindOf(e), "fdatasync of " + segmentFile(segmentChannelCycle) + " failed: " + e.getMessage(), e);
            }
            unsynced = false;
        }
        if (directoryUnsynced) {
            DataDirectory.syncDirectory(dir);
            directoryUnsynced = false;
        }
    }

    private void openSegmentChannel() {
        closeSegmentChannel();
        // The file of the clock's cycle, which the open document context has just created: not
        // appender.currentFile(), which may still name the previous segment at that point, and
        // a record written there would land in the wrong file.
        Path path = segmentFile(clock.cycle());
        try {
            segmentChannel = FileChannel.open(path, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException(kindOf(e), "cannot open " + path + " to sync it: " + e.getMessage(), e);
        }
        segmentChannelCycle = clock.cycle();
    }

    private void closeSegmentChannel() {
        if (segmentChannel != null) {
            try {
                segmentChannel.close();
            } catch (IOException ignored) {
                // only the sync handle; the data is mapped by Chronicle
            }
            segmentChannel = null;
            segmentChannelCycle = Integer.MIN_VALUE;
        }
    }

    /**
     * Where the writer continues after a reopen: the last segment's records span {@code
     * firstPosition .. endPosition} of its file.
     */
    void resumeAt(int cycle, long firstPosition, long endPosition) {
        if (cycle == clock.cycle()) {
            segmentBase = firstPosition;
            segmentPosition = endPosition;
        }
    }

    // ------------------------------------------------------------------ segments

    int currentCycle() {
        return clock.cycle();
    }

    static int cycleOf(long queueIndex) {
        return ROLL_CYCLE.toCycle(queueIndex);
    }

    /** The file of segment (cycle) {@code cycle}. */
    Path segmentFile(int cycle) {
        return dir.resolve(FILE_NAMES.format(Instant.ofEpochMilli(cycle * (long) ROLL_CYCLE.lengthInMillis())) + SUFFIX);
    }

    /**
     * Deletes every segment file before {@code cycle}; returns how many. The caller guarantees
     * that nothing live is in them and that what replaces them (a later segment's start record
     * and the compaction record) is already durable.
     */
    int deleteSegmentsBefore(int cycle) {
        int first = queue.firstCycle();
        if (first < 0 || first >= cycle) {
            return 0;
        }
        int deleted = 0;
        for (Long c : queue.listCyclesBetween(first, cycle - 1)) {
            Path file = segmentFile(c.intValue());
            try {
                Files.delete(file);
                deleted++;
            } catch (NoSuchFileException gone) {
                // already deleted
            } catch (IOException e) {
                throw new StorageException(kindOf(e), "cannot delete the compacted segment " + file + ": " + e.getMessage(), e);
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
            DataDirectory.syncDirectory(dir);
        }
        return deleted;
    }

    // ------------------------------------------------------------------ reading (any thread)

    /**
     * The body of the record at {@code position} (see {@link MappedSegments#read}); the caller
     * keeps {@link #releaseMappingsBefore} and {@link #close} from running meanwhile.
     */
    byte[] read(long position) {
        return segments.read(position);
    }

    /** "byte B of FILE" for the record at {@code position}. */
    String describe(long position) {
        return segments.describe(position);
    }

    /**
     * Unmaps the readers' mappings of the segments before {@code cycle} (so that deleting their
     * files frees the space) and mappings replaced by larger ones. The caller guarantees that no
     * read is in progress and that no later read asks for those segments.
     */
    int releaseMappingsBefore(int cycle) {
        return segments.releaseBefore(cycle);
    }

    /** Mapped windows, for tests. */
    int mappedWindows() {
        return segments.mappedWindows();
    }

    /** A new tailer at the start of the queue, for replay; the caller closes it. */
    ExcerptTailer replayTailer() {
        ExcerptTailer tailer = queue.createTailer();
        tailer.toStart();
        return tailer;
    }

    @Override
    public void close() {
        closeSegmentChannel();
        segments.close();
        appender.close();
        queue.close();
    }

    Path dir() {
        return dir;
    }

    static Kind kindOf(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left") || message.contains("Disk quota exceeded") ? Kind.DISK_FULL : Kind.IO;
    }
}
