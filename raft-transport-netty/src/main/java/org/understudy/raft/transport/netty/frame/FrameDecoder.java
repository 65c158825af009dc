package org.understudy.raft.transport.netty.frame;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into frames and emits each frame's payload (without its length prefix)
 * as a {@link io.netty.buffer.ByteBuf}. A length above the maximum fails at once with a
 * {@link io.netty.handler.codec.TooLongFrameException} ("fail fast": the oversized body is never
 * buffered). The length is unsigned, so a garbage prefix with its top bit set is simply too long.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private final int maxFrameBytes;

    /** @param maxFrameBytes the largest payload accepted, in bytes */
    public FrameDecoder(int maxFrameBytes) {
        // maxFrameLength counts the length field too; strip the field from what is emitted.
        super(FrameFormat.checkMaxFrameBytes(maxFrameBytes) + FrameFormat.LENGTH_FIELD_BYTES, 0,
                FrameFormat.LENGTH_FIELD_BYTES, 0, FrameFormat.LENGTH_FIELD_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The largest payload this decoder accepts. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Bytes received but not yet emitted: the start of a frame whose rest has not arrived (0 between
     * frames). Read it on the channel's event loop, after a read was handed down the pipeline.
     */
    public int bufferedBytes() {
        return actualReadableBytes();
    }
}
