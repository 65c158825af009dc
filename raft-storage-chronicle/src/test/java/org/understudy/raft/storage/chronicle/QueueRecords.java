package org.understudy.raft.storage.chronicle;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** Test access to the raw records of a closed log's queue: where each is, and damaging them. */
final class QueueRecords {

    /** One record: its document's queue index, its segment file, its byte position and its length. */
    record Located(long queueIndex, Path file, long position, int length, int type, long a) {}

    private QueueRecords() {}

    /** Every record of the (closed) log in {@code dir}, in queue order (each record of a run separately). */
    static List<Located> list(Path dir) {
        ChronicleRuntime.prepare();
        List<Located> out = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(LogQueue.ROLL_CYCLE).epoch(0)
                .readOnly(true).build();
                ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    long start = bytes.readPosition();
                    long end = start + bytes.readRemaining();
                    File file = tailer.currentFile();
                    // A document holds one record or a run of entry records, each self-delimiting.
                    for (long position = start; position < end; ) {
                        int length = LogRecord.OVERHEAD_BYTES + bytes.readInt(position + LogRecord.LENGTH_FIELD_OFFSET);
                        int type = bytes.readUnsignedByte(position);
                        long a = bytes.readLong(position + 2);
                        out.add(new Located(dc.index(), file.toPath(), position, length, type, a));
                        position += length;
                    }
                }
            }
        }
        return out;
    }

    /** The last record of the given type. */
    static Located last(Path dir, RecordType type) {
        List<Located> all = list(dir);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).type() == type.code) {
                return all.get(i);
            }
        }
        throw new AssertionError("no " + type + " record in " + dir);
    }

    /** The ENTRY record of Raft index {@code index} (the last one, if it was written more than once). */
    static Located entry(Path dir, long index) {
        List<Located> all = list(dir);
        for (int i = all.size() - 1; i >= 0; i--) {
            Located r = all.get(i);
            if (r.type() == RecordType.ENTRY.code && r.a() == index) {
                return r;
            }
        }
        throw new AssertionError("no record of entry " + index + " in " + dir);
    }

    /** Overwrites {@code n} bytes of the record's body from {@code offset} with {@code fill}. */
    static void overwrite(Located r, int offset, int n, byte fill) {
        byte[] bytes = new byte[n];
        java.util.Arrays.fill(bytes, fill);
        try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), r.position() + offset);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the record's file in the middle of the record's body, as a crash of the machine may. */
    static void cutInTheMiddle(Located r) {
        try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.WRITE)) {
            ch.truncate(r.position() + r.length() / 2);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The segment files in {@code dir}. */
    static List<Path> segmentFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(LogQueue.SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
