package org.understudy.raft.core.tracker;

/**
 * The leader's window of append messages sent to one peer in {@link ProgressState#REPLICATE}
 * state and not yet acknowledged: flow control, so a slow peer (a learner catching up, say) can't
 * make the leader queue unbounded traffic for it.
 *
 * <p>Each entry is the last log index an append carried and that append's payload size. Entries
 * are added in strictly increasing index order and freed from the front when the peer
 * acknowledges an index. The window is full once it holds {@code maxCount} messages or, when a
 * byte budget is set, once the payload in flight reaches {@code maxBytes}.
 *
 * <p>Backed by a ring of two {@code long} arrays that grows to {@code maxCount} on demand and is
 * then reused, so steady-state {@link #add} allocates nothing. Not thread-safe, like the rest of
 * the core.
 */
public final class Inflights {

    private static final int INITIAL_CAPACITY = 8;

    private final int maxCount;
    private final long maxBytes;
    private long[] indexes;
    private long[] sizes;
    /** Ring position of the oldest entry. */
    private int start;
    private int count;
    private long bytes;

    /**
     * @param maxCount how many messages may be in flight (at least 1)
     * @param maxBytes how many payload bytes may be in flight; 0 means no byte limit
     */
    public Inflights(int maxCount, long maxBytes) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be at least 1, was " + maxCount);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0 (0 = unlimited), was " + maxBytes);
        }
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        int capacity = Math.min(maxCount, INITIAL_CAPACITY);
        this.indexes = new long[capacity];
        this.sizes = new long[capacity];
    }

    private Inflights(Inflights from) {
        this.maxCount = from.maxCount;
        this.maxBytes = from.maxBytes;
        this.indexes = from.indexes.clone();
        this.sizes = from.sizes.clone();
        this.start = from.start;
        this.count = from.count;
        this.bytes = from.bytes;
    }

    /**
     * Records an append whose last entry has the given index.
     *
     * @throws IllegalStateException if the window is {@link #full()}
     * @throws IllegalArgumentException if the index is not above the last one added, or bytes < 0
     */
    public void add(long index, long bytes) {
        if (full()) {
            throw new IllegalStateException("inflight window is full: " + this);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("negative message size " + bytes);
        }
        if (count > 0) {
            long last = indexes[slot(count - 1)];
            if (index <= last) {
                throw new IllegalArgumentException(
                        "inflight indexes must increase: adding " + index + " after " + last);
            }
        }
        if (count == indexes.length) {
            grow();
        }
        int slot = slot(count);
        indexes[slot] = index;
        sizes[slot] = bytes;
        count++;
        this.bytes += bytes;
    }

    /** Frees every message whose last index is {@code <= index}: the peer has acknowledged them. */
    public void freeLE(long index) {
        while (count > 0 && indexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % indexes.length;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** @return whether no further message may be sent until some are acknowledged */
    public boolean full() {
        return count >= maxCount || (maxBytes > 0 && bytes >= maxBytes);
    }

    /** @return how many messages are in flight */
    public int count() {
        return count;
    }

    /** @return the payload bytes in flight */
    public long bytes() {
        return bytes;
    }

    public int maxCount() {
        return maxCount;
    }

    /** @return the byte budget, 0 when unlimited */
    public long maxBytes() {
        return maxBytes;
    }

    /** Forgets every message in flight (the peer changed state; what was sent no longer counts). */
    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }

    /** @return an independent copy with the same limits and contents */
    public Inflights copy() {
        return new Inflights(this);
    }

    /** @return a new, empty window with the same limits */
    public Inflights copyEmpty() {
        return new Inflights(maxCount, maxBytes);
    }

    private int slot(int offset) {
        return (start + offset) % indexes.length;
    }

    private void grow() {
        int capacity = (int) Math.min((long) maxCount, Math.max(1L, 2L * indexes.length));
        long[] newIndexes = new long[capacity];
        long[] newSizes = new long[capacity];
        for (int i = 0; i < count; i++) {
            newIndexes[i] = indexes[slot(i)];
            newSizes[i] = sizes[slot(i)];
        }
        indexes = newIndexes;
        sizes = newSizes;
        start = 0;
    }

    @Override
    public String toString() {
        return "Inflights{count=" + count + "/" + maxCount
                + ", bytes=" + bytes + (maxBytes > 0 ? "/" + maxBytes : "")
                + (count > 0 ? ", first=" + indexes[start] + ", last=" + indexes[slot(count - 1)] : "")
                + "}";
    }
}
