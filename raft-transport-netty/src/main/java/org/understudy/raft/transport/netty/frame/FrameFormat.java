package org.understudy.raft.transport.netty.frame;

/** The constants of the frame format (see the package documentation). */
public final class FrameFormat {
    /** The length prefix: a 4-byte big-endian int. */
    public static final int LENGTH_FIELD_BYTES = 4;

    /**
     * The default maximum payload of one frame: 16 MiB. It must exceed the largest message the
     * Raft runtime sends: appends are about {@code RaftConfig.maxSizePerMsg} (1 MiB by default, but
     * at least one whole entry) and snapshot chunks {@code RaftNodeOptions.snapshotChunkBytes}
     * (1 MiB by default) plus a few hundred bytes of headers.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

    private FrameFormat() {}

    /** Checks a configured maximum; the length field is signed on some readers, so stay below 2 GiB. */
    public static int checkMaxFrameBytes(int maxFrameBytes) {
        if (maxFrameBytes <= 0 || maxFrameBytes > Integer.MAX_VALUE - LENGTH_FIELD_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in 1.." + (Integer.MAX_VALUE - LENGTH_FIELD_BYTES)
                    + ", got " + maxFrameBytes);
        }
        return maxFrameBytes;
    }
}
