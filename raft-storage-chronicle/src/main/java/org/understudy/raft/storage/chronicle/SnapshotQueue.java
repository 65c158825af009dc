package org.understudy.raft.storage.chronicle;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * How one snapshot's Chronicle queue is opened and read: a single segment (the clock never moves,
 * so the queue never rolls and its record sequence numbers are dense) with an index entry per
 * record, so that a read at any offset is one index lookup.
 */
final class SnapshotQueue {

    private static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    private static final SegmentClock FIXED_CLOCK = new SegmentClock(ROLL_CYCLE, 0);

    private SnapshotQueue() {}

    static SingleChronicleQueue open(Path dir, boolean readOnly) {
        try {
            return SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(ROLL_CYCLE)
                    .epoch(0)
                    .timeProvider(FIXED_CLOCK)
                    .indexSpacing(1)
                    .blockSize(16L << 20)
                    .syncMode(SyncMode.NONE)
                    .readOnly(readOnly)
                    .build();
        } catch (RuntimeException e) {
            throw new StorageException(Kind.IO, "cannot open the snapshot queue in " + dir + ": " + e, e);
        }
    }

    /** The queue index of the record with sequence number {@code sequence}. */
    static long indexOf(long sequence) {
        return ROLL_CYCLE.toIndex(0, sequence);
    }

    /** The sequence number of the last record, or -1 for an empty queue. */
    static long lastSequence(SingleChronicleQueue queue) {
        long last = queue.lastIndex();
        return last < 0 ? -1 : ROLL_CYCLE.toSequenceNumber(last);
    }

    /** The record with sequence number {@code sequence}, or {@code null}. */
    static byte[] read(ExcerptTailer tailer, long sequence) {
        long index = indexOf(sequence);
        if (tailer.index() != index && !tailer.moveToIndex(index)) {
            return null;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent() || dc.index() != index) {
                return null;
            }
            Bytes<?> bytes = dc.wire().bytes();
            byte[] record = new byte[(int) bytes.readRemaining()];
            bytes.read(record);
            return record;
        }
    }

    /** Forces every file of the directory, then the directory itself, to disk. */
    static void forceAll(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException(LogQueue.kindOf(e), "cannot make the snapshot in " + dir + " durable: " + e.getMessage(), e);
        }
        org.understudy.raft.storage.DataDirectory.syncDirectory(dir);
    }
}
