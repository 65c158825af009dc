package org.understudy.bench.storage;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StorageException;

/**
 * The baseline every storage engine is measured against: entries framed the least an engine can
 * frame them and written to one plain file with {@link FileChannel#write} and
 * {@link FileChannel#force force(false)}. Its append+sync rate is the disk's limit for that
 * batch shape, so an engine's score divided by this one says how much of the disk it uses.
 *
 * <h2>Format</h2>
 * One record per entry, back to back: a 4-byte big-endian payload length, the serialized
 * {@link Entry}, and a 4-byte big-endian CRC32C of the payload (DESIGN.md §5 wants a checksum on
 * every record, so a fair baseline pays for one). A batch is serialized into one direct buffer and
 * written with one positional write; {@link #sync()} is one {@code force(false)} (fdatasync).
 *
 * <h2>Reads and open</h2>
 * The file offset of every entry is kept in memory. A read is one positional read of the
 * records it covers, checked against their CRCs. Opening scans the whole file once, checking
 * every CRC and rebuilding the offsets; a torn or corrupt tail is cut off. That scan is the
 * reference for the open-time benchmark: what opening a log costs when nothing is indexed on disk.
 *
 * <p>Single-threaded: the benchmarks use one thread. Appends must start at {@code lastIndex() + 1}
 * (no overwrites); the benchmarks never need more.
 */
final class RawFileLog implements BenchLog {

    private static final int LENGTH_BYTES = 4;
    private static final int CRC_BYTES = 4;
    private static final int FRAME_BYTES = LENGTH_BYTES + CRC_BYTES;
    private static final int SCAN_CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1 << 16);
    /** {@code offsets[i - 1]} is the file offset of the record of entry {@code i}. */
    private long[] offsets = new long[1024];
    private long lastIndex;
    /** The end of the last whole record: where the next append goes. */
    private long end;
    private boolean closed;

    private RawFileLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens {@code file}, creating it if missing, and scans what it holds. */
    static RawFileLog open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure("cannot open", file, e);
        }
        RawFileLog log = new RawFileLog(file, channel);
        try {
            log.scan();
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    /**
     * Rebuilds the offsets from the file, checking every record's CRC, and cuts off a torn or
     * corrupt tail. Reads the file in large chunks and checks records in place, as a log engine
     * that scans on open would.
     */
    private void scan() {
        try {
            long size = channel.size();
            ByteBuffer chunk = ByteBuffer.allocateDirect(SCAN_CHUNK_BYTES);
            long position = 0; // file offset of the next record
            boolean tailFound = false;
            while (!tailFound && position + FRAME_BYTES <= size) {
                fill(chunk, position, size);
                int capacity = chunk.capacity();
                boolean progress = false;
                while (chunk.remaining() >= FRAME_BYTES) {
                    int at = chunk.position();
                    int length = chunk.getInt(at);
                    if (length < 0 || position + FRAME_BYTES + length > size) {
                        tailFound = true; // torn: the record claims more bytes than the file holds
                        break;
                    }
                    if (chunk.remaining() < FRAME_BYTES + length) {
                        if (FRAME_BYTES + length > chunk.capacity()) {
                            chunk = ByteBuffer.allocateDirect(FRAME_BYTES + length);
                        }
                        break; // read the rest of this record with the next chunk
                    }
                    crc.reset();
                    crc.update(chunk.slice(at + LENGTH_BYTES, length));
                    if ((int) crc.getValue() != chunk.getInt(at + LENGTH_BYTES + length)) {
                        tailFound = true; // corrupt: nothing after it can be trusted
                        break;
                    }
                    remember(lastIndex + 1, position);
                    lastIndex++;
                    position += FRAME_BYTES + length;
                    chunk.position(at + FRAME_BYTES + length);
                    progress = true;
                }
                if (!progress && !tailFound && chunk.capacity() == capacity) {
                    tailFound = true; // the file ended under us; never loop on the same bytes
                }
            }
            end = position;
            if (size > end) {
                channel.truncate(end);
            }
        } catch (IOException e) {
            throw failure("cannot read", file, e);
        }
    }

    /** Reads {@code buffer} full (or up to {@code size}) from file offset {@code from}. */
    private void fill(ByteBuffer buffer, long from, long size) throws IOException {
        buffer.clear();
        if (size - from < buffer.capacity()) {
            buffer.limit((int) (size - from));
        }
        long at = from;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        buffer.flip();
    }

    @Override
    public void append(List<Entry> entries) {
        checkOpen();
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).getIndex();
        if (first != lastIndex + 1) {
            throw new IllegalArgumentException("the raw baseline appends only at " + (lastIndex + 1) + ", not at " + first);
        }
        int total = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getIndex() != first + i) {
                throw new IllegalArgumentException("entries are not contiguous at position " + i);
            }
            total += FRAME_BYTES + entries.get(i).getSerializedSize();
        }
        ByteBuffer buffer = writeBufferFor(total);
        long position = end;
        for (Entry entry : entries) {
            remember(entry.getIndex(), position);
            position += frame(entry, buffer);
        }
        buffer.flip();
        try {
            long at = end;
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
        } catch (IOException e) {
            throw failure("cannot write", file, e);
        }
        end = position;
        lastIndex = entries.get(entries.size() - 1).getIndex();
    }

    /** Writes one record into {@code buffer}; returns its size. */
    private int frame(Entry entry, ByteBuffer buffer) {
        int length = entry.getSerializedSize();
        buffer.putInt(length);
        int start = buffer.position();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(buffer);
            entry.writeTo(out);
            out.flush(); // moves the buffer's position past the payload
        } catch (IOException e) {
            throw new IllegalStateException("serializing into a buffer of the right size cannot fail", e);
        }
        ByteBuffer written = buffer.duplicate();
        written.position(start).limit(start + length);
        crc.reset();
        crc.update(written);
        buffer.putInt((int) crc.getValue());
        return FRAME_BYTES + length;
    }

    @Override
    public void sync() {
        checkOpen();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw failure("cannot sync", file, e);
        }
    }

    @Override
    public long lastIndex() {
        return lastIndex;
    }

    @Override
    public long term(long index) {
        if (index == 0) {
            return 0;
        }
        return entries(index, index + 1, Long.MAX_VALUE).get(0).getTerm();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        checkOpen();
        if (lo < 1 || lo > hi || hi > lastIndex + 1) {
            throw new IndexOutOfBoundsException("entries [" + lo + ", " + hi + ") of a log holding 1.." + lastIndex);
        }
        if (lo == hi) {
            return List.of();
        }
        long from = offsets[(int) (lo - 1)];
        long to = hi > lastIndex ? end : offsets[(int) (hi - 1)];
        ByteBuffer records = ByteBuffer.allocate(Math.toIntExact(to - from));
        try {
            long at = from;
            while (records.hasRemaining()) {
                int n = channel.read(records, at);
                if (n < 0) {
                    throw new StorageException(StorageException.Kind.CORRUPT, "raw log " + file + " ends before offset " + to);
                }
                at += n;
            }
        } catch (IOException e) {
            throw failure("cannot read", file, e);
        }
        records.flip();
        List<Entry> result = new ArrayList<>((int) (hi - lo));
        long bytes = 0;
        for (long index = lo; index < hi; index++) {
            int length = records.getInt();
            int start = records.position();
            ByteBuffer payload = records.slice(start, length);
            records.position(start + length);
            crc.reset();
            crc.update(payload.duplicate());
            if ((int) crc.getValue() != records.getInt()) {
                throw new StorageException(StorageException.Kind.CORRUPT, "raw log " + file + ": checksum mismatch at index " + index);
            }
            bytes += length;
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            try {
                result.add(Entry.parseFrom(payload));
            } catch (InvalidProtocolBufferException e) {
                throw new StorageException(StorageException.Kind.CORRUPT, "raw log " + file + ": unparsable entry at index " + index, e);
            }
        }
        return result;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw failure("cannot close", file, e);
        }
    }

    private void remember(long index, long offset) {
        int slot = Math.toIntExact(index - 1);
        if (slot >= offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(slot + 1, offsets.length * 2));
        }
        offsets[slot] = offset;
    }

    private ByteBuffer writeBufferFor(int bytes) {
        if (writeBuffer.capacity() < bytes) {
            writeBuffer = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes) << 1);
        }
        writeBuffer.clear();
        return writeBuffer;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("raw log " + file + " is closed");
        }
    }

    private static StorageException failure(String what, Path file, IOException e) {
        return new StorageException(StorageException.Kind.IO, "raw log " + file + ": " + what + ": " + e.getMessage(), e);
    }
}
