package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;

/**
 * The redo journal that makes a MapDB commit atomic and durable with one fsync.
 *
 * <h2>Why</h2>
 * MapDB 3.1.0's {@code StoreWAL} writes each commit to a fresh WAL file, fsyncs it, copies the
 * changes into the main file, fsyncs that and deletes the WAL, but it never replays a WAL when a
 * store is opened: a crash while the changes are copied leaves a half-updated main file. This
 * journal sits under MapDB instead (see {@link JournaledVolume}): a commit's writes to the main
 * file are appended here as one checksummed batch and forced, and only then copied into the
 * main file, which is forced only at checkpoints. Opening replays every whole batch since the
 * last checkpoint, so the main file always ends up exactly as of the last completed sync.
 *
 * <h2>Format (version 1)</h2>
 * <pre>
 * header (4096 bytes): two slots, at 0 and 512, each
 *     int magic "USJH", int version, long checkpointSeq, long mainLength, int crc32c
 *   the valid slot with the higher checkpointSeq counts; the other is overwritten next, so a
 *   torn header write never loses both
 * batches, from offset 4096 on, each
 *     int magic "USJB", long seq, long mainLength, int payloadLength,
 *     payload = int count, count x (long offset, int length, length bytes | -length for zeros),
 *     int crc32c of everything before it in the batch
 * </pre>
 * Replay starts after the header with {@code checkpointSeq + 1} and stops at the first batch
 * that is cut short, fails its checksum or has another sequence number: batches of earlier
 * checkpoints that are later overwritten have lower numbers, and a batch is written only after
 * the previous one was forced, so only the last one can be torn. {@code mainLength} records
 * how long the main file was: a main file shorter than at the last checkpoint was cut and is
 * refused; one shorter than a later batch says lost its (sparse) growth in a power failure and
 * is extended again.
 *
 * <p>Not thread-safe: MapDB calls it from its commit, which holds all of MapDB's locks.
 */
final class RedoJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedoJournal.class);

    static final int HEADER_BYTES = 4096;
    private static final int SLOT_SPACING = 512;
    private static final int SLOT_BYTES = 28;
    private static final int HEADER_MAGIC = 0x55534a48; // "USJH"
    private static final int BATCH_MAGIC = 0x55534a42; // "USJB"
    private static final int VERSION = 1;
    private static final int BATCH_HEAD_BYTES = 24;
    private static final int IO_BUFFER_BYTES = 1 << 20;
    /**
     * The journal grows by zero-filled steps of this size ahead of the batches, so that most
     * forces find the file's size and blocks unchanged and need no file-system journal commit.
     */
    static final long GROWTH_BYTES = 4L << 20;

    private final Path file;
    private final FileChannel channel;
    private final long checkpointBytes;
    private final ByteBuffer io = ByteBuffer.allocateDirect(IO_BUFFER_BYTES);
    private long lastSeq;
    private long position = HEADER_BYTES;
    private int nextSlot;
    /** The file's length: zero-filled space ready for batches up to here. */
    private long allocated;

    private RedoJournal(Path file, FileChannel channel, long checkpointBytes, long lastSeq, int nextSlot) {
        this.file = file;
        this.channel = channel;
        this.checkpointBytes = checkpointBytes;
        this.lastSeq = lastSeq;
        this.nextSlot = nextSlot;
    }

    /** Creates a new, empty journal (the main file does not exist yet). */
    static RedoJournal create(Path file, long checkpointBytes) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            RedoJournal journal = new RedoJournal(file, ch, checkpointBytes, 0, 0);
            journal.writeSlot(0, 0, 0);
            journal.writeSlot(1, 0, 0);
            journal.allocated = ch.size();
            ch.force(true);
            return journal;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw StorageErrors.translate("create the journal", file, e, false);
        }
    }

    /**
     * Opens the journal of {@code mainFile}, replays into it every batch since the last checkpoint
     * and checkpoints, so that {@code mainFile} is as of the last completed sync.
     */
    static RedoJournal openAndRecover(Path file, Path mainFile, long checkpointBytes) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long[] best = null;
            int bestSlot = -1;
            for (int slot = 0; slot < 2; slot++) {
                long[] s = readSlot(ch, slot);
                if (s != null && (best == null || s[0] > best[0])) {
                    best = s;
                    bestSlot = slot;
                }
            }
            if (best == null) {
                throw new StorageException(Kind.CORRUPT, "the journal " + file
                        + " has no valid header; it is damaged: restore this node from a replica (wipe its data directory)");
            }
            RedoJournal journal = new RedoJournal(file, ch, checkpointBytes, best[0], 1 - bestSlot);
            journal.allocated = ch.size();
            journal.recover(mainFile, best[1]);
            return journal;
        } catch (NoSuchFileException e) {
            throw new StorageException(Kind.CORRUPT, "the journal " + file + " is missing while " + mainFile
                    + " exists; the directory is damaged: restore this node from a replica (wipe its data directory)", e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw StorageErrors.translate("recover from the journal", file, e, true);
        }
    }

    /** The highest sequence number made durable (by a batch or a checkpoint). */
    long lastSeq() {
        return lastSeq;
    }

    /** Appends {@code writes} as the next batch and forces it to disk. */
    void append(PendingWrites writes, long mainLength) throws IOException {
        long seq = lastSeq + 1;
        long payload = Integer.BYTES;
        for (PendingWrites.Extent e : writes.extents()) {
            payload += Long.BYTES + Integer.BYTES + (e.data() != null ? e.data().length : 0);
        }
        if (payload > Integer.MAX_VALUE - BATCH_HEAD_BYTES) {
            throw new IOException("a commit of " + payload + " bytes is too large for one journal batch");
        }
        long size = BATCH_HEAD_BYTES + payload + Integer.BYTES;
        if (allocated < position + size) {
            grow(position + size);
        }
        BatchOutput out = new BatchOutput(position);
        out.putInt(BATCH_MAGIC);
        out.putLong(seq);
        out.putLong(mainLength);
        out.putInt((int) payload);
        out.putInt(writes.extents().size());
        for (PendingWrites.Extent e : writes.extents()) {
            out.putLong(e.offset());
            if (e.data() != null) {
                out.putInt(e.data().length);
                out.put(e.data());
            } else {
                out.putInt(-e.zeros());
            }
        }
        long end = out.finish();
        channel.force(false);
        position = end;
        lastSeq = seq;
    }

    /** Zero-fills the file from its end to at least {@code needed}, in steps of {@link #GROWTH_BYTES}. */
    private void grow(long needed) throws IOException {
        long current = Math.max(allocated, channel.size());
        long target = Math.max(needed, current + GROWTH_BYTES);
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        for (long at = current; at < target; ) {
            int n = (int) Math.min(zeros.capacity(), target - at);
            writeFully(channel, zeros.clear().limit(n), at);
            at += n;
        }
        allocated = target;
    }

    /** Where the next batch goes. */
    long position() {
        return position;
    }

    /** Whether enough has been journaled since the last checkpoint to force the main file and start over. */
    boolean wantsCheckpoint() {
        return position - HEADER_BYTES >= checkpointBytes;
    }

    /**
     * Records that the main file, now {@code mainLength} bytes, has been forced with every batch
     * so far, so that later batches may overwrite them.
     */
    void checkpoint(long mainLength) throws IOException {
        writeSlot(nextSlot, lastSeq, mainLength);
        channel.force(false);
        nextSlot = 1 - nextSlot;
        position = HEADER_BYTES;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    // ------------------------------------------------------------------ recovery

    private void recover(Path mainFile, long checkpointLength) throws IOException {
        long size = channel.size();
        long expected = lastSeq + 1;
        long pos = HEADER_BYTES;
        long grownLength = checkpointLength;
        int batches = 0;
        Batch batch;
        while ((batch = readBatch(pos, size)) != null && batch.seq == expected) {
            grownLength = Math.max(grownLength, batch.mainLength);
            pos = batch.end;
            expected++;
            batches++;
        }
        if (batch != null && batch.seq > expected) {
            throw new StorageException(Kind.CORRUPT, "the journal " + file + " skips from batch " + (expected - 1)
                    + " to " + batch.seq + " at offset " + pos + "; it is damaged");
        }
        Batch torn = batch == null ? peekTorn(pos, size, expected) : null;
        if (torn != null) {
            Batch after = readBatch(torn.end, size);
            if (after != null && after.seq == expected + 1) {
                throw new StorageException(Kind.CORRUPT, "batch " + expected + " at offset " + pos + " of the journal "
                        + file + " fails its checksum but batch " + after.seq + " follows it; the journal is damaged");
            }
            LOG.warn("{}: ignored batch {} at offset {}, which is incomplete: the process stopped during a sync that "
                    + "never returned, so nothing it held was acknowledged", file, expected, pos);
        }
        // The length at the last checkpoint was forced with the file; growth since then may be
        // lost with the power, but every byte written there since is in the batches.
        long mainSize = Files.size(mainFile);
        if (mainSize < checkpointLength) {
            throw new StorageException(Kind.CORRUPT, mainFile + " is " + mainSize + " bytes but was " + checkpointLength
                    + " bytes long; it was cut short: restore this node from a replica (wipe its data directory)");
        }
        if (batches == 0) {
            return;
        }
        try (FileChannel main = FileChannel.open(mainFile, StandardOpenOption.WRITE)) {
            long at = HEADER_BYTES;
            for (int i = 0; i < batches; i++) {
                Batch b = readBatch(at, size);
                b.applyTo(main);
                at = b.end;
            }
            if (main.size() < grownLength) {
                writeFully(main, ByteBuffer.allocate(1), grownLength - 1); // MapDB maps up to here
            }
            main.force(true);
        }
        lastSeq = expected - 1;
        checkpoint(Files.size(mainFile));
        LOG.info("{}: replayed {} journal batches up to {} into {}", file, batches, lastSeq, mainFile);
    }

    /** A batch whose head says it is the one expected, though it did not read back whole. */
    private Batch peekTorn(long pos, long size, long expected) throws IOException {
        if (pos + BATCH_HEAD_BYTES > size) {
            return null;
        }
        ByteBuffer head = readFully(pos, BATCH_HEAD_BYTES);
        if (head.getInt(0) != BATCH_MAGIC || head.getLong(4) != expected) {
            return null;
        }
        int payload = head.getInt(20);
        long end = pos + BATCH_HEAD_BYTES + (long) payload + Integer.BYTES;
        return payload < Integer.BYTES ? null : new Batch(expected, 0, pos, end, null);
    }

    /** The whole, checksummed batch at {@code pos}, or {@code null}. */
    private Batch readBatch(long pos, long size) throws IOException {
        if (pos + BATCH_HEAD_BYTES + Integer.BYTES * 2L > size) {
            return null;
        }
        ByteBuffer head = readFully(pos, BATCH_HEAD_BYTES);
        if (head.getInt(0) != BATCH_MAGIC) {
            return null;
        }
        long seq = head.getLong(4);
        long mainLength = head.getLong(12);
        int payload = head.getInt(20);
        long end = pos + BATCH_HEAD_BYTES + (long) payload + Integer.BYTES;
        if (payload < Integer.BYTES || end > size) {
            return null;
        }
        ByteBuffer body = readFully(pos + BATCH_HEAD_BYTES, payload + Integer.BYTES);
        CRC32C crc = new CRC32C();
        crc.update(head.rewind());
        crc.update(body.duplicate().limit(payload));
        if ((int) crc.getValue() != body.getInt(payload)) {
            return null;
        }
        return new Batch(seq, mainLength, pos, end, body.limit(payload));
    }

    private ByteBuffer readFully(long pos, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (channel.read(buf, pos + buf.position()) < 0) {
                throw new IOException("unexpected end of " + file + " at " + (pos + buf.position()));
            }
        }
        return buf.flip();
    }

    /** One batch read back: its extents are applied straight from {@code payload}. */
    private record Batch(long seq, long mainLength, long start, long end, ByteBuffer payload) {
        void applyTo(FileChannel main) throws IOException {
            ByteBuffer p = payload.duplicate();
            int count = p.getInt();
            ByteBuffer zeros = null;
            for (int k = 0; k < count; k++) {
                long offset = p.getLong();
                int len = p.getInt();
                if (len >= 0) {
                    ByteBuffer data = p.slice(p.position(), len);
                    p.position(p.position() + len);
                    writeFully(main, data, offset);
                } else {
                    if (zeros == null) {
                        zeros = ByteBuffer.allocate(64 * 1024);
                    }
                    for (long done = 0; done < -(long) len; ) {
                        int n = (int) Math.min(zeros.capacity(), -(long) len - done);
                        writeFully(main, zeros.clear().limit(n), offset + done);
                        done += n;
                    }
                }
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer data, long at) throws IOException {
        long pos = at;
        while (data.hasRemaining()) {
            pos += ch.write(data, pos);
        }
    }

    // ------------------------------------------------------------------ header slots

    private void writeSlot(int slot, long checkpointSeq, long mainLength) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SLOT_BYTES);
        buf.putInt(HEADER_MAGIC).putInt(VERSION).putLong(checkpointSeq).putLong(mainLength);
        buf.putInt(Crc.of(slot, buf.array(), 0, SLOT_BYTES - Integer.BYTES));
        writeFully(channel, buf.flip(), (long) slot * SLOT_SPACING);
    }

    /** {checkpointSeq, mainLength} of a valid slot, or {@code null}. */
    private static long[] readSlot(FileChannel ch, int slot) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SLOT_BYTES);
        while (buf.hasRemaining()) {
            if (ch.read(buf, (long) slot * SLOT_SPACING + buf.position()) < 0) {
                return null;
            }
        }
        if (buf.getInt(0) != HEADER_MAGIC || Crc.of(slot, buf.array(), 0, SLOT_BYTES - Integer.BYTES) != buf.getInt(24)) {
            return null;
        }
        if (buf.getInt(4) != VERSION) {
            throw new StorageException(Kind.UNSUPPORTED_FORMAT, "journal format version " + buf.getInt(4)
                    + " is not readable by this build (it reads version " + VERSION + ")");
        }
        return new long[] {buf.getLong(8), buf.getLong(16)};
    }

    // ------------------------------------------------------------------ streaming batch writer

    /** Writes a batch through the fixed I/O buffer, so a large commit never needs a second copy in memory. */
    private final class BatchOutput {
        private final CRC32C crc = new CRC32C();
        private long at;

        BatchOutput(long at) {
            this.at = at;
            io.clear();
        }

        void putInt(int v) throws IOException {
            room(Integer.BYTES);
            io.putInt(v);
        }

        void putLong(long v) throws IOException {
            room(Long.BYTES);
            io.putLong(v);
        }

        void put(byte[] data) throws IOException {
            int off = 0;
            while (off < data.length) {
                if (!io.hasRemaining()) {
                    flush();
                }
                int n = Math.min(io.remaining(), data.length - off);
                io.put(data, off, n);
                off += n;
            }
        }

        /** Writes the checksum and everything buffered; returns the offset after the batch. */
        long finish() throws IOException {
            crc.update(io.duplicate().flip());
            if (io.remaining() < Integer.BYTES) {
                write(); // already in the checksum: write without summing again
            }
            io.putInt((int) crc.getValue());
            write();
            return at;
        }

        private void room(int n) throws IOException {
            if (io.remaining() < n) {
                flush();
            }
        }

        private void flush() throws IOException {
            crc.update(io.duplicate().flip());
            write();
        }

        private void write() throws IOException {
            io.flip();
            while (io.hasRemaining()) {
                at += channel.write(io, at);
            }
            io.clear();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
