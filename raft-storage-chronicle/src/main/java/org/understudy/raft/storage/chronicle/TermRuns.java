package org.understudy.raft.storage.chronicle;

import java.util.Arrays;

/**
 * The term of every live entry, kept as runs: (first index of the run, term). Terms change rarely,
 * so a log of millions of entries needs a handful of runs, and {@code term(i)} (asked by Raft on
 * every append it receives) never touches the disk.
 *
 * <p>Not thread-safe: the log guards it with its read-write lock.
 */
final class TermRuns {

    private long[] starts = new long[8];
    private long[] terms = new long[8];
    private int size;

    /** The term of {@code index}; the caller guarantees that some run covers it. */
    long termAt(long index) {
        int lo = 0;
        int hi = size - 1;
        // The last run that starts at or before index.
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (size == 0 || starts[lo] > index) {
            throw new IllegalStateException("no term known for index " + index);
        }
        return terms[lo];
    }

    /** Records that {@code index} (one past every index recorded so far) has {@code term}. */
    void append(long index, long term) {
        if (size > 0 && terms[size - 1] == term) {
            return;
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            terms = Arrays.copyOf(terms, size * 2);
        }
        starts[size] = index;
        terms[size] = term;
        size++;
    }

    /** Forgets the terms of {@code fromIndex} and after. */
    void truncateFrom(long fromIndex) {
        while (size > 0 && starts[size - 1] >= fromIndex) {
            size--;
        }
    }

    /** Forgets the runs that end before {@code firstIndex}; the run covering it stays. */
    void dropBefore(long firstIndex) {
        int drop = 0;
        while (drop + 1 < size && starts[drop + 1] <= firstIndex) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(starts, drop, starts, 0, size - drop);
            System.arraycopy(terms, drop, terms, 0, size - drop);
            size -= drop;
        }
    }

    void clear() {
        size = 0;
    }

    int runs() {
        return size;
    }
}
