package org.understudy.raft.storage.chronicle;

import org.understudy.raft.proto.Entry;

/**
 * The most recently appended entries, kept on the heap so that replicating them to followers (the
 * common case: a leader sends what it has just written) does not read them back from the files.
 *
 * <p>It holds a contiguous run of the newest live entries and never more than its budget of
 * bytes, counted as each entry's serialized size plus {@value #ENTRY_OVERHEAD} bytes for the
 * objects around it; the oldest are evicted first. An entry larger than the whole budget is not
 * cached (and empties the cache, which must stay contiguous). A budget of 0 disables it.
 *
 * <p>Not thread-safe: the log guards it with its read-write lock.
 */
final class EntryCache {

    /** An estimate of the heap an {@link Entry} costs beyond its serialized bytes. */
    static final int ENTRY_OVERHEAD = 96;

    private final long budget;
    private Entry[] ring = new Entry[16];
    private int head;
    private int count;
    /** The Raft index of the entry at {@code head}. */
    private long firstIndex;
    private long bytes;

    EntryCache(long budget) {
        this.budget = budget;
    }

    /** Adds the entry that follows the cached ones (anything else first empties the cache). */
    void add(Entry e) {
        if (budget == 0) {
            return;
        }
        long cost = cost(e);
        if (cost > budget) {
            clear();
            return;
        }
        if (count > 0 && e.getIndex() != firstIndex + count) {
            clear();
        }
        while (bytes + cost > budget) {
            evictOldest();
        }
        if (count == ring.length) {
            grow();
        }
        if (count == 0) {
            firstIndex = e.getIndex();
            head = 0;
        }
        ring[(head + count) % ring.length] = e;
        count++;
        bytes += cost;
    }

    /** The cached entry at {@code index}, or {@code null}. */
    Entry get(long index) {
        long offset = index - firstIndex;
        if (count == 0 || offset < 0 || offset >= count) {
            return null;
        }
        return ring[(int) ((head + offset) % ring.length)];
    }

    /** Drops {@code fromIndex} and everything after it. */
    void truncateFrom(long fromIndex) {
        while (count > 0 && firstIndex + count - 1 >= fromIndex) {
            int tail = (head + count - 1) % ring.length;
            bytes -= cost(ring[tail]);
            ring[tail] = null;
            count--;
        }
    }

    /** Drops everything up to and including {@code index}. */
    void dropUpTo(long index) {
        while (count > 0 && firstIndex <= index) {
            evictOldest();
        }
    }

    void clear() {
        while (count > 0) {
            evictOldest();
        }
    }

    /** The bytes the cached entries are counted as; never above the budget. */
    long bytes() {
        return bytes;
    }

    int size() {
        return count;
    }

    private void evictOldest() {
        bytes -= cost(ring[head]);
        ring[head] = null;
        head = (head + 1) % ring.length;
        firstIndex++;
        count--;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }

    private static long cost(Entry e) {
        return e.getSerializedSize() + (long) ENTRY_OVERHEAD;
    }
}
