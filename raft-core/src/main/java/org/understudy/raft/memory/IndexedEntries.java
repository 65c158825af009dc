package org.understudy.raft.memory;

import java.util.Arrays;
import org.understudy.raft.proto.Entry;

/**
 * A run of consecutive log entries {@code firstIndex() .. lastIndex()} held in a growable array
 * with a moving head, so that appending at the end and dropping a prefix are both amortized O(1)
 * per entry (an {@code ArrayList} would shift every remaining element on each compaction).
 *
 * <p>Not thread-safe: {@link MemoryLogStorage} guards it with its lock. Entries are immutable
 * protobuf messages, so two instances may share them safely.
 */
final class IndexedEntries {
    private static final Entry[] EMPTY = new Entry[0];

    private Entry[] slots = EMPTY;
    /** Position in {@link #slots} of the entry at {@link #firstIndex}. */
    private int head;
    private int size;
    private long firstIndex;

    /** An empty run whose next entry will have index {@code firstIndex}. */
    IndexedEntries(long firstIndex) {
        this.firstIndex = firstIndex;
    }

    long firstIndex() {
        return firstIndex;
    }

    long lastIndex() {
        return firstIndex + size - 1;
    }

    int size() {
        return size;
    }

    /** The entry at {@code index}; the caller has checked {@code firstIndex() <= index <= lastIndex()}. */
    Entry get(long index) {
        return slots[head + (int) (index - firstIndex)];
    }

    /** Appends one entry at {@code lastIndex() + 1}; the caller has checked its index. */
    void add(Entry entry) {
        if (head + size == slots.length) {
            makeRoomAtEnd();
        }
        slots[head + size] = entry;
        size++;
    }

    /** Removes every entry with index {@code >= fromIndex}; nothing if {@code fromIndex > lastIndex()}. */
    void truncateFrom(long fromIndex) {
        if (fromIndex > lastIndex()) {
            return;
        }
        int keep = (int) Math.max(0, fromIndex - firstIndex);
        Arrays.fill(slots, head + keep, head + size, null);
        size = keep;
    }

    /**
     * Removes every entry with index {@code <= index}. When that is all of them the run restarts
     * empty with {@code firstIndex() == index + 1}.
     */
    void dropUpTo(long index) {
        if (index < firstIndex) {
            return;
        }
        if (index >= lastIndex()) {
            clear(index + 1);
            return;
        }
        int drop = (int) (index - firstIndex + 1);
        Arrays.fill(slots, head, head + drop, null);
        head += drop;
        size -= drop;
        firstIndex = index + 1;
    }

    /** Removes every entry; the next one will have index {@code nextIndex}. */
    void clear(long nextIndex) {
        Arrays.fill(slots, head, head + size, null);
        head = 0;
        size = 0;
        firstIndex = nextIndex;
    }

    /** An independent copy sharing the (immutable) entries. O(size). */
    IndexedEntries copy() {
        IndexedEntries copy = new IndexedEntries(firstIndex);
        copy.slots = Arrays.copyOfRange(slots, head, head + size);
        copy.size = size;
        return copy;
    }

    /**
     * Called when the array is full at its end: slide the live entries to the front when at least
     * half of it is free (the space a compacted prefix left behind), otherwise grow it.
     */
    private void makeRoomAtEnd() {
        if (head > 0 && size <= slots.length / 2) {
            System.arraycopy(slots, head, slots, 0, size);
            Arrays.fill(slots, size, head + size, null);
        } else {
            Entry[] bigger = new Entry[Math.max(16, slots.length * 2)];
            System.arraycopy(slots, head, bigger, 0, size);
            slots = bigger;
        }
        head = 0;
    }
}
