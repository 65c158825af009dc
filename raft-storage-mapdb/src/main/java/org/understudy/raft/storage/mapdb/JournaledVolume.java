package org.understudy.raft.storage.mapdb;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * MapDB's view of its main file: writes are held as {@link PendingWrites} and reach the file
 * only in {@link #sync()}, after the {@link RedoJournal} has them on disk.
 *
 * <p>MapDB's {@code StoreWAL} writes its main file only inside {@code commit()}, while it holds
 * every one of its locks, and ends with {@code sync()}; so between the first pending write and
 * the sync no other thread reads this volume. Reads that come from the committing thread itself
 * see the pending writes (an overlay), which is correct if slow; MapDB 3.1.0 makes none.
 */
final class JournaledVolume extends Volume {

    /**
     * Writes at least this large into MapDB's header region (where a commit rewrites 32 KiB to
     * change a few longs) are compared with the file and only their changes kept; elsewhere
     * large writes are new records, where comparing would only cost.
     */
    private static final int DIFF_MIN_BYTES = 4096;
    private static final long DIFF_REGION_END = 64 * 1024;
    private static final int DIFF_GAP_BYTES = 32;

    private final Volume file;
    private final Path path;
    private final RedoJournal journal;
    private final PendingWrites pending = new PendingWrites();
    private volatile boolean hasPending;

    JournaledVolume(Volume file, Path path, RedoJournal journal) {
        this.file = file;
        this.path = path;
        this.journal = journal;
    }

    // ------------------------------------------------------------------ writes: held until sync

    @Override
    public void putLong(long offset, long value) {
        pending.putLong(offset, value);
        hasPending = true;
    }

    @Override
    public void putInt(long offset, int value) {
        pending.putInt(offset, value);
        hasPending = true;
    }

    @Override
    public void putByte(long offset, byte value) {
        pending.putByte(offset, value);
        hasPending = true;
    }

    @Override
    public void putData(long offset, byte[] src, int srcPos, int srcSize) {
        if (offset < DIFF_REGION_END && srcSize >= DIFF_MIN_BYTES && !pending.overlaps(offset, srcSize)
                && offset + srcSize <= file.length()) {
            putChanges(offset, src, srcPos, srcSize);
        } else {
            pending.put(offset, src, srcPos, srcSize);
        }
        hasPending = true;
    }

    /**
     * Holds only the parts of a write that differ from the file. MapDB rewrites its whole 32 KiB
     * header on every commit, of which a few longs change; journaling and copying the rest would
     * double the cost of a small commit. Bytes equal to the file's are safe to skip: they
     * are there already, and if they came from a commit since the last checkpoint, that commit's
     * batch is still in the journal to redo them.
     */
    private void putChanges(long offset, byte[] src, int srcPos, int srcSize) {
        byte[] current = new byte[srcSize];
        try {
            file.getDataInputOverlap(offset, srcSize).readFully(current);
        } catch (IOException e) {
            pending.put(offset, src, srcPos, srcSize);
            return;
        }
        int k = 0;
        while (k < srcSize) {
            int from = Arrays.mismatch(current, k, srcSize, src, srcPos + k, srcPos + srcSize);
            if (from < 0) {
                return;
            }
            from += k;
            // extend over equal stretches shorter than DIFF_GAP_BYTES: fewer, larger extents
            int to = from + 1;
            int same = 0;
            while (to < srcSize && same < DIFF_GAP_BYTES) {
                same = current[to] == src[srcPos + to] ? same + 1 : 0;
                to++;
            }
            int end = to - same;
            pending.put(offset + from, src, srcPos + from, end - from);
            k = to;
        }
    }

    @Override
    public void putDataOverlap(long offset, byte[] src, int srcPos, int srcSize) {
        putData(offset, src, srcPos, srcSize);
    }

    @Override
    public void putData(long offset, ByteBuffer buf) {
        pending.put(offset, buf);
        hasPending = true;
    }

    @Override
    public void clear(long startOffset, long endOffset) {
        pending.clear(startOffset, endOffset);
        hasPending = true;
    }

    @Override
    public void clearOverlap(long startOffset, long endOffset) {
        clear(startOffset, endOffset);
    }

    /**
     * Journals the pending writes (one batch, forced), copies them into the main file and, when
     * the journal has grown enough, checkpoints. Throws a {@code StorageException} on failure.
     */
    @Override
    public void sync() {
        if (!hasPending) {
            return;
        }
        try {
            journal.append(pending, file.length());
        } catch (IOException | RuntimeException e) {
            throw StorageErrors.translate("write the journal of", path, e, false);
        }
        try {
            pending.applyTo(file);
        } catch (RuntimeException | InternalError e) {
            // The batch is journaled: reopening replays it. This instance cannot go on.
            throw StorageErrors.mappedWriteFailed(path, e);
        }
        pending.reset();
        hasPending = false;
        if (journal.wantsCheckpoint()) {
            checkpoint();
        }
    }

    /** Forces the main file and lets the journal start over. */
    void checkpoint() {
        if (hasPending) {
            throw new IllegalStateException("cannot checkpoint " + path + " with uncommitted writes");
        }
        try {
            file.sync();
            journal.checkpoint(file.length());
        } catch (IOException | RuntimeException e) {
            throw StorageErrors.translate("checkpoint", path, e, false);
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public long getLong(long offset) {
        return hasPending ? ByteBuffer.wrap(read(offset, Long.BYTES)).getLong() : file.getLong(offset);
    }

    @Override
    public int getInt(long offset) {
        return hasPending ? ByteBuffer.wrap(read(offset, Integer.BYTES)).getInt() : file.getInt(offset);
    }

    @Override
    public byte getByte(long offset) {
        return hasPending ? read(offset, 1)[0] : file.getByte(offset);
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        return hasPending ? new DataInput2.ByteArray(read(offset, size)) : file.getDataInput(offset, size);
    }

    @Override
    public DataInput2 getDataInputOverlap(long offset, int size) {
        return hasPending ? new DataInput2.ByteArray(read(offset, size)) : file.getDataInputOverlap(offset, size);
    }

    @Override
    public void getData(long offset, byte[] bytes, int bytesPos, int size) {
        if (hasPending) {
            System.arraycopy(read(offset, size), 0, bytes, bytesPos, size);
        } else {
            file.getData(offset, bytes, bytesPos, size);
        }
    }

    /** {@code size} bytes at {@code offset} as MapDB would see them after the sync. */
    private byte[] read(long offset, int size) {
        byte[] out = new byte[size];
        long available = Math.max(0, Math.min(size, file.length() - offset));
        if (available > 0) {
            try {
                file.getDataInputOverlap(offset, (int) available).readFully(out, 0, (int) available);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        pending.overlay(offset, out, 0, size);
        return out;
    }

    // ------------------------------------------------------------------ the rest is the file's

    @Override
    public void ensureAvailable(long offset) {
        file.ensureAvailable(offset);
    }

    @Override
    public void truncate(long size) {
        if (hasPending) {
            throw new IllegalStateException("cannot truncate " + path + " with uncommitted writes");
        }
        file.truncate(size);
    }

    /** Closes the file; uncommitted writes are dropped, as a crash would drop them. */
    @Override
    public void close() {
        pending.reset();
        hasPending = false;
        file.close();
    }

    @Override
    public boolean isClosed() {
        return file.isClosed();
    }

    @Override
    public int sliceSize() {
        return file.sliceSize();
    }

    @Override
    public boolean isSliced() {
        return file.isSliced();
    }

    @Override
    public long length() {
        return file.length();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public File getFile() {
        return file.getFile();
    }

    @Override
    public boolean getFileLocked() {
        return file.getFileLocked();
    }

    @Override
    public boolean fileLoad() {
        return file.fileLoad();
    }
}
