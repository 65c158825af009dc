package org.understudy.raft.storage.chronicle;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * Reads a record body at a known {@link RecordPosition} straight from a read-only memory mapping
 * of its segment file: one lookup among the mapped windows, the record's length from its own
 * header, and one copy. No Chronicle tailer, no index walk.
 *
 * <h2>Why this read path</h2>
 * Measured on this machine (2 cores, load average ~7 from other builds; 200 000 records of 1 KiB in
 * four 64 MiB segments, page cache warm; each read = locate + copy + CRC32C + build the
 * {@code Entry}; {@code ReadPathProbe} in the tests): a pooled Chronicle tailer moved with
 * {@code moveToIndex} made 130–320 reads/s (11 k/s in JMH with the entry cache absorbing part of
 * the reads); two {@code FileChannel} preads (header, then body) 94–149 k/s; one speculative 4 KiB
 * pread 162–223 k/s; a shared read-only {@link MappedByteBuffer} 420–440 k/s. Chronicle's own
 * per-cycle store ({@code SingleChronicleQueueStore.bytes()}) is a single-threaded
 * {@code MappedBytes} with reference counting, so it would need a pool again. So: mappings.
 *
 * <h2>Windows</h2>
 * A segment file is mapped in windows of {@value #WINDOW_BITS}-bit size (1 GiB) that overlap by
 * the largest record, so any record lies wholly in the window where its header starts (a
 * {@link MappedByteBuffer} holds at most 2 GiB; default segments need one window). A window maps
 * what the file holds when it is created; when the writer has since grown the file (Chronicle
 * extends it 64 MiB at a time) and a record lies past the window's end, the window is mapped
 * again, larger, and the old mapping is retired. Chronicle 2026.4 never shrinks a queue file, so a
 * mapping never reaches past the end of its file.
 *
 * <h2>Threading and unmapping</h2>
 * Any number of threads read at once: lookups read one volatile array (copy on write), reads use
 * only absolute {@link MappedByteBuffer} gets, and creating a window is synchronized. Touching an
 * unmapped buffer crashes the JVM, so mappings are unmapped only by {@link #releaseBefore} and
 * {@link #close}, which the log calls while its write lock keeps every reader out; until then a
 * retired window stays mapped. The writer's records are visible at once: a shared mapping of the
 * same file shares its page-cache pages, synced or not.
 */
final class MappedSegments implements AutoCloseable {

    static final int WINDOW_BITS = 30;
    private static final long WINDOW_BYTES = 1L << WINDOW_BITS;
    /** A window also maps this far past its end, so a record that starts in it ends in it. */
    private static final long WINDOW_OVERLAP = LogQueue.MAX_RECORD_BYTES;
    private static final int KEY_CYCLE_SHIFT = RecordPosition.OFFSET_BITS - WINDOW_BITS;

    /** A mapped part of one segment file: file bytes {@code start .. end}. */
    private record Window(long key, int cycle, long start, long end, MappedByteBuffer buffer) {}

    private static final Window[] NONE = new Window[0];

    private final IntFunction<Path> files;
    /** Sorted by key; replaced, never changed in place. */
    private volatile Window[] windows = NONE;
    /** Windows replaced by larger ones, still mapped until readers are kept out. Guarded by this. */
    private final List<Window> retired = new ArrayList<>();
    private boolean closed; // guarded by this

    /** @param files the file of each segment (cycle) */
    MappedSegments(IntFunction<Path> files) {
        this.files = files;
    }

    /**
     * The record at {@code position}, copied out: its length comes from its own header (a record
     * may share a Chronicle document with others, see {@link EntryRun}); the caller checks its CRC.
     *
     * @throws StorageException {@code CORRUPT} when the segment file is missing, or the header
     *     there announces a record that cannot be or does not fit in the file; {@code IO} when the
     *     file cannot be mapped
     */
    byte[] read(long position) {
        int cycle = RecordPosition.cycle(position);
        long body = RecordPosition.offset(position);
        long key = ((long) cycle << KEY_CYCLE_SHIFT) | (body >>> WINDOW_BITS);
        Window w = find(windows, key);
        if (w == null || w.end < body + LogRecord.HEADER_BYTES) {
            w = map(key, cycle, body, body + LogRecord.HEADER_BYTES);
        }
        int payload = w.buffer.getInt((int) (body - w.start) + LogRecord.LENGTH_FIELD_OFFSET);
        if (payload < 0 || payload > LogQueue.MAX_RECORD_BYTES - LogRecord.OVERHEAD_BYTES) {
            throw damaged(cycle, body, "its header claims " + payload + " payload bytes, more than any record holds");
        }
        int length = LogRecord.OVERHEAD_BYTES + payload;
        if (w.end < body + length) {
            w = map(key, cycle, body, body + length);
        }
        byte[] out = new byte[length];
        w.buffer.get((int) (body - w.start), out);
        return out;
    }

    /** "byte B of FILE", for messages about the record at {@code position}. */
    String describe(long position) {
        return "byte " + RecordPosition.offset(position) + " of " + files.apply(RecordPosition.cycle(position));
    }

    private StorageException damaged(int cycle, long body, String problem) {
        return new StorageException(Kind.CORRUPT, "the record at byte " + body + " of " + files.apply(cycle) + " is damaged: "
                + problem);
    }

    private static Window find(Window[] all, long key) {
        int lo = 0;
        int hi = all.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = all[mid].key;
            if (k < key) {
                lo = mid + 1;
            } else if (k > key) {
                hi = mid - 1;
            } else {
                return all[mid];
            }
        }
        return null;
    }

    /** The window {@code key}, mapped (again) so that it reaches at least {@code needEnd}. */
    private synchronized Window map(long key, int cycle, long body, long needEnd) {
        if (closed) {
            throw new IllegalStateException("the log's segment mappings are closed");
        }
        Window[] all = windows;
        Window old = find(all, key);
        if (old != null && old.end >= needEnd) {
            return old; // another reader mapped it meanwhile
        }
        Path file = files.apply(cycle);
        long start = (key & ((1L << KEY_CYCLE_SHIFT) - 1)) << WINDOW_BITS;
        Window fresh;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < needEnd) {
                throw damaged(cycle, body, "the record would end at byte " + needEnd + " but the file has " + size + " bytes");
            }
            long length = Math.min(size - start, WINDOW_BYTES + WINDOW_OVERLAP);
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
            buffer.order(ByteOrder.LITTLE_ENDIAN); // LogRecord's byte order
            fresh = new Window(key, cycle, start, start + length, buffer);
        } catch (NoSuchFileException e) {
            throw new StorageException(Kind.CORRUPT, "the segment file " + file + " of a live log record (at byte " + body
                    + ") is missing");
        } catch (IOException e) {
            throw new StorageException(LogQueue.kindOf(e), "cannot map " + file + " to read the record at byte " + body + ": "
                    + e.getMessage(), e);
        }
        windows = replace(all, old, fresh);
        if (old != null) {
            retired.add(old);
        }
        return fresh;
    }

    private static Window[] replace(Window[] all, Window old, Window fresh) {
        if (old != null) {
            Window[] copy = all.clone();
            copy[Arrays.asList(all).indexOf(old)] = fresh;
            return copy;
        }
        Window[] copy = new Window[all.length + 1];
        int at = 0;
        while (at < all.length && all[at].key < fresh.key) {
            at++;
        }
        System.arraycopy(all, 0, copy, 0, at);
        copy[at] = fresh;
        System.arraycopy(all, at, copy, at + 1, all.length - at);
        return copy;
    }

    /**
     * Unmaps the windows of every segment before {@code cycle} (deleted or about to be) and every
     * retired window. The caller guarantees that no read is in progress and that no later read
     * asks for those segments; returns how many mappings were released.
     */
    synchronized int releaseBefore(int cycle) {
        Window[] all = windows;
        int keepFrom = 0;
        while (keepFrom < all.length && all[keepFrom].cycle < cycle) {
            keepFrom++;
        }
        int released = 0;
        for (int i = 0; i < keepFrom; i++) {
            BufferUnmapper.unmap(all[i].buffer);
            released++;
        }
        windows = keepFrom == 0 ? all : Arrays.copyOfRange(all, keepFrom, all.length);
        for (Window w : retired) {
            BufferUnmapper.unmap(w.buffer);
            released++;
        }
        retired.clear();
        return released;
    }

    /** How many windows are mapped (live and retired), for tests. */
    synchronized int mappedWindows() {
        return windows.length + retired.size();
    }

    /** Unmaps everything; the caller guarantees that no read is in progress or will follow. */
    @Override
    public synchronized void close() {
        closed = true;
        releaseBefore(Integer.MAX_VALUE);
    }
}
