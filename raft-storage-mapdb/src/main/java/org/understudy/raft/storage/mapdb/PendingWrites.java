package org.understudy.raft.storage.mapdb;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mapdb.volume.Volume;

/**
 * The writes MapDB made to its main file since the last sync, held in memory until the
 * {@link RedoJournal} has them on disk ("no steal": the main file never holds a write that a
 * crash could leave half done without a durable copy to redo it from).
 *
 * <p>Each write is an extent: bytes at an offset, or a run of zeros. Later extents win where
 * they overlap, both when they are applied and when {@link #overlay} patches a read.
 */
final class PendingWrites {

    /** One write: {@code data} at {@code offset}, or {@code zeros} zero bytes when {@code data} is null. */
    record Extent(long offset, byte[] data, int zeros) {
        int length() {
            return data != null ? data.length : zeros;
        }

        long end() {
            return offset + length();
        }
    }

    private final List<Extent> extents = new ArrayList<>();
    private long dataBytes;

    void put(long offset, byte[] src, int srcOff, int len) {
        if (len > 0) {
            extents.add(new Extent(offset, Arrays.copyOfRange(src, srcOff, srcOff + len), 0));
            dataBytes += len;
        }
    }

    void put(long offset, ByteBuffer src) {
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        put(offset, bytes, 0, bytes.length);
    }

    void putLong(long offset, long value) {
        put(offset, ByteBuffer.allocate(Long.BYTES).putLong(0, value).array(), 0, Long.BYTES);
    }

    void putInt(long offset, int value) {
        put(offset, ByteBuffer.allocate(Integer.BYTES).putInt(0, value).array(), 0, Integer.BYTES);
    }

    void putByte(long offset, byte value) {
        put(offset, new byte[] {value}, 0, 1);
    }

    void clear(long start, long end) {
        for (long at = start; at < end; at += Integer.MAX_VALUE) {
            extents.add(new Extent(at, null, (int) Math.min(Integer.MAX_VALUE, end - at)));
        }
    }

    /** Whether any held write touches {@code [offset, offset + len)}. */
    boolean overlaps(long offset, int len) {
        long end = offset + len;
        for (Extent e : extents) {
            if (e.offset() < end && e.end() > offset) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return extents.isEmpty();
    }

    List<Extent> extents() {
        return extents;
    }

    /** Bytes of data held (zero runs not counted): what the journal batch will roughly weigh. */
    long dataBytes() {
        return dataBytes;
    }

    /** Patches {@code dst[dstOff, dstOff + len)}, read from the file at {@code offset}, with the pending writes. */
    void overlay(long offset, byte[] dst, int dstOff, int len) {
        long end = offset + len;
        for (Extent e : extents) {
            long from = Math.max(offset, e.offset());
            long to = Math.min(end, e.end());
            if (from >= to) {
                continue;
            }
            int n = (int) (to - from);
            int at = dstOff + (int) (from - offset);
            if (e.data() != null) {
                System.arraycopy(e.data(), (int) (from - e.offset()), dst, at, n);
            } else {
                Arrays.fill(dst, at, at + n, (byte) 0);
            }
        }
    }

    /** Writes every extent, in order, into {@code target}. */
    void applyTo(Volume target) {
        for (Extent e : extents) {
            // The overlap variants split a write that crosses the target's slices (mapped regions).
            if (e.data() != null) {
                target.putDataOverlap(e.offset(), e.data(), 0, e.data().length);
            } else {
                target.clearOverlap(e.offset(), e.end());
            }
        }
    }

    void reset() {
        extents.clear();
        dataBytes = 0;
    }
}
