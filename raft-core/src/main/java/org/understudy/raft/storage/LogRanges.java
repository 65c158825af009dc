package org.understudy.raft.storage;

import org.understudy.raft.spi.LogCompactedException;

/** The argument checks of {@code LogStorage.entries}, shared so every engine reports them alike. */
public final class LogRanges {
    private LogRanges() {}

    /**
     * Checks {@code [lo, hi)} against a log holding {@code firstIndex .. lastIndex}.
     *
     * @throws LogCompactedException if {@code lo < firstIndex} (this wins when both apply)
     * @throws IndexOutOfBoundsException if {@code hi > lastIndex + 1} or {@code lo > hi}
     */
    public static void checkEntries(long lo, long hi, long firstIndex, long lastIndex) {
        if (lo < firstIndex) {
            throw new LogCompactedException(lo, firstIndex);
        }
        if (hi > lastIndex + 1 || lo > hi) {
            throw new IndexOutOfBoundsException("entries [" + lo + ", " + hi + ") outside the log ["
                    + firstIndex + ", " + lastIndex + "]");
        }
    }
}
