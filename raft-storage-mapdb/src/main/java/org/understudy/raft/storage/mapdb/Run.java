package org.understudy.raft.storage.mapdb;

import java.util.Arrays;
import java.util.List;
import org.understudy.raft.proto.Entry;

/**
 * Consecutive entries stored as one MapDB record keyed by the first one's index: what one
 * {@code append} wrote (split when large, trimmed by truncation and compaction). Immutable, so
 * readers on other threads can share one from the {@link RunCache}.
 */
final class Run {

    /** Per-entry heap overhead beyond its serialized size, for the cache's accounting. */
    private static final int ENTRY_OVERHEAD = 96;

    private final long first;
    private final Entry[] entries;
    private final long weight;

    Run(long first, Entry[] entries) {
        if (entries.length == 0) {
            throw new IllegalArgumentException("a run holds at least one entry");
        }
        this.first = first;
        this.entries = entries;
        long w = 64;
        for (Entry e : entries) {
            w += e.getSerializedSize() + ENTRY_OVERHEAD;
        }
        this.weight = w;
    }

    static Run of(List<Entry> entries) {
        return new Run(entries.get(0).getIndex(), entries.toArray(new Entry[0]));
    }

    long first() {
        return first;
    }

    long last() {
        return first + entries.length - 1;
    }

    int size() {
        return entries.length;
    }

    boolean contains(long index) {
        return index >= first && index <= last();
    }

    Entry entry(long index) {
        return entries[(int) (index - first)];
    }

    /** Heap bytes this run holds, roughly. */
    long weight() {
        return weight;
    }

    /** The entries before {@code index} ({@code first < index <= last}). */
    Run before(long index) {
        return new Run(first, Arrays.copyOfRange(entries, 0, (int) (index - first)));
    }

    /** The entries from {@code index} on ({@code first < index <= last}). */
    Run from(long index) {
        return new Run(index, Arrays.copyOfRange(entries, (int) (index - first), entries.length));
    }
}
