package org.understudy.raft.transport.netty.frame;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes a protobuf message as one frame: its length, then its bytes, into a single buffer sized
 * exactly (one allocation, no intermediate copy). A message larger than the maximum is refused with
 * an {@link EncoderException} and nothing is written; callers that can drop a message instead
 * should check {@link MessageLite#getSerializedSize()} against {@link #maxFrameBytes()} before
 * writing. Stateless, so one instance may serve many channels.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<MessageLite> {
    private final int maxFrameBytes;

    /** @param maxFrameBytes the largest payload written, in bytes */
    public FrameEncoder(int maxFrameBytes) {
        super(MessageLite.class);
        this.maxFrameBytes = FrameFormat.checkMaxFrameBytes(maxFrameBytes);
    }

    /** The largest payload this encoder writes. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, MessageLite msg, boolean preferDirect) {
        int size = checkedSize(msg);
        int frame = FrameFormat.LENGTH_FIELD_BYTES + size;
        return preferDirect ? ctx.alloc().ioBuffer(frame, frame) : ctx.alloc().heapBuffer(frame, frame);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MessageLite msg, ByteBuf out) throws IOException {
        int size = checkedSize(msg); // memoized by protobuf: cheap the second time
        out.writeInt(size);
        if (out.nioBufferCount() == 1) {
            ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
            CodedOutputStream coded = CodedOutputStream.newInstance(target);
            msg.writeTo(coded);
            coded.checkNoSpaceLeft();
            out.writerIndex(out.writerIndex() + size);
        } else {
            try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
                msg.writeTo(stream);
            }
        }
    }

    private int checkedSize(MessageLite msg) {
        int size = msg.getSerializedSize();
        if (size > maxFrameBytes) {
            throw new EncoderException("a " + msg.getClass().getSimpleName() + " of " + size
                    + " bytes exceeds the maximum frame size of " + maxFrameBytes + " bytes");
        }
        return size;
    }
}
