package org.understudy.raft.transport.netty.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the byte stream into frames and emits each frame's payload (without its length prefix)
 * as a {@link ByteBuf}. A length above the maximum fails at once with a
 * {@link TooLongFrameException} ("fail fast": the oversized body is never buffered, its bytes are
 * skipped as they arrive). The length is unsigned, so a garbage prefix with its top bit set is
 * simply too long.
 *
 * <h2>One copy per received byte</h2>
 * Every frame ends up in a heap array that its message owns (protobuf-java parses only from
 * arrays it can alias, see {@link ProtobufFrameDecoder}). A frame of at least
 * {@value #OWN_ARRAY_FROM_BYTES} bytes is therefore copied by this decoder straight into that
 * array and emitted as an {@link OwnedFrame}, which the message decoder parses in place:
 * <ul>
 *   <li>a frame that is whole in the bytes at hand is copied out once;</li>
 *   <li>a frame that is not gets its array as soon as its length is known (for frames up to
 *       {@value #EAGER_ARRAY_MAX_BYTES} bytes), and every later read is copied from the socket's
 *       buffer into that array and nowhere else.</li>
 * </ul>
 * Before this, a frame that straddled reads was first appended to the decoder's cumulation buffer,
 * which grows by reallocating and copying what it holds, and then copied again into the message's
 * array: a JFR/async-profiler profile of 16 KiB round trips had 13% of all CPU samples in those
 * cumulation copies (bench/RESULTS.md). Smaller frames (heartbeats, votes, small appends) keep the
 * plain path: a slice of the cumulation, copied by the message decoder.
 *
 * <p><b>Memory.</b> A larger frame (the bulk lane's appends and snapshot chunks, up to the
 * maximum) gets its array only once at least 1/{@value #EAGER_FRACTION} of it has arrived, so a
 * peer that sends a length and stops makes this node hold at most
 * max({@value #EAGER_ARRAY_MAX_BYTES}, {@value #EAGER_FRACTION} × bytes received) for it, never the
 * maximum for four bytes.
 *
 * <p>Confined to the channel's event loop, like every {@link ByteToMessageDecoder}.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    /** Frames of at least this many bytes are copied into their own array here (see the class). */
    static final int OWN_ARRAY_FROM_BYTES = 1024;
    /** An incomplete frame up to this size gets its own array as soon as its length is read. */
    static final int EAGER_ARRAY_MAX_BYTES = 64 << 10;
    /** A larger incomplete frame gets its array once 1/this of it has arrived. */
    static final int EAGER_FRACTION = 8;

    private final int maxFrameBytes;
    /** Bytes of a too-long frame still to skip. */
    private long discarding;
    /** The array of the frame being assembled straight from reads, or null. */
    private byte[] assembling;
    /** How much of {@link #assembling} has been filled. */
    private int assembled;
    /** A read went into {@link #assembling} without completing it since the last read-complete. */
    private boolean readWithoutFrame;

    /** @param maxFrameBytes the largest payload accepted, in bytes */
    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = FrameFormat.checkMaxFrameBytes(maxFrameBytes);
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
        int inAssembly = assembling == null ? 0 : FrameFormat.LENGTH_FIELD_BYTES + assembled;
        return actualReadableBytes() + inAssembly;
    }

    /** Whether a frame is being assembled straight into its own array (for tests). */
    boolean assemblingFrame() {
        return assembling != null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (assembling == null || !(msg instanceof ByteBuf)) {
            super.channelRead(ctx, msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        try {
            int n = Math.min(in.readableBytes(), assembling.length - assembled);
            in.readBytes(assembling, assembled, n);
            assembled += n;
            if (assembled < assembling.length) {
                readWithoutFrame = true;
                return;
            }
            OwnedFrame frame = OwnedFrame.of(ctx.alloc(), assembling);
            assembling = null;
            assembled = 0;
            ctx.fireChannelRead(frame);
            if (in.isReadable()) {
                // what follows the frame goes the usual way; the cumulation is empty while assembling
                super.channelRead(ctx, in.retain());
            }
        } finally {
            in.release();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding > 0) {
            int skip = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(skip);
            discarding -= skip;
            if (discarding > 0) {
                return;
            }
        }
        int prefix = FrameFormat.LENGTH_FIELD_BYTES;
        if (in.readableBytes() < prefix) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        int available = in.readableBytes() - prefix;
        if (length > maxFrameBytes) {
            int skip = (int) Math.min(length, available);
            in.skipBytes(prefix + skip);
            discarding = length - skip;
            throw new TooLongFrameException("a frame of " + length + " bytes is above the maximum of " + maxFrameBytes);
        }
        int frameBytes = (int) length;
        if (available >= frameBytes) {
            in.skipBytes(prefix);
            out.add(frameBytes >= OWN_ARRAY_FROM_BYTES ? copyOut(ctx, in, frameBytes) : in.readRetainedSlice(frameBytes));
        } else if (frameBytes >= OWN_ARRAY_FROM_BYTES
                && (frameBytes <= EAGER_ARRAY_MAX_BYTES || available >= frameBytes / EAGER_FRACTION)) {
            in.skipBytes(prefix);
            assembling = new byte[frameBytes];
            in.readBytes(assembling, 0, available);
            assembled = available; // the cumulation is now empty: the next reads come to channelRead
        }
    }

    private static OwnedFrame copyOut(ChannelHandlerContext ctx, ByteBuf in, int frameBytes) {
        byte[] array = new byte[frameBytes];
        in.readBytes(array);
        return OwnedFrame.of(ctx.alloc(), array);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (readWithoutFrame && !ctx.channel().config().isAutoRead()) {
            ctx.read(); // as ByteToMessageDecoder does: a read that emitted nothing asks for the rest
        }
        readWithoutFrame = false;
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        assembling = null; // a frame cut off by the close is dropped, like a partial frame in the cumulation
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (assembling != null) {
            // hand the partial frame on as bytes, as ByteToMessageDecoder hands on its cumulation
            ByteBuf rest = Unpooled.buffer(FrameFormat.LENGTH_FIELD_BYTES + assembled)
                    .writeInt(assembling.length)
                    .writeBytes(assembling, 0, assembled);
            assembling = null;
            ctx.fireChannelRead(rest);
            ctx.fireChannelReadComplete();
        }
    }
}
