package org.understudy.raft.spi;

/** A read asked for an index that has been compacted away into a snapshot. */
public final class LogCompactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogCompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted; the log starts at " + firstIndex, null, false, false);
    }
}
