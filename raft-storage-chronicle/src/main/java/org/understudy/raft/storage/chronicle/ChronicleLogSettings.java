package org.understudy.raft.storage.chronicle;

/**
 * Tuning of {@link ChronicleLogStorage}; {@link #defaults()} suits most deployments.
 *
 * @param segmentBytes roughly how large a segment file grows before the log starts the next one.
 *     Prefix compaction frees disk space one whole segment at a time, so smaller segments give
 *     space back sooner; each new segment costs one extra fsync and a directory fsync. A segment
 *     can exceed it by one append batch.
 */
public record ChronicleLogSettings(long segmentBytes) {

    /** 64 MiB: a few seconds of writes at full speed, a small fraction of a typical snapshot interval. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    /** The smallest segment size accepted (tests use it to roll often). */
    public static final long MIN_SEGMENT_BYTES = 16L << 10;

    public ChronicleLogSettings {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > (1L << 40)) {
            throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and 2^40: " + segmentBytes);
        }
    }

    public static ChronicleLogSettings defaults() {
        return new ChronicleLogSettings(DEFAULT_SEGMENT_BYTES);
    }

}
