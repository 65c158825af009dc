package org.understudy.raft.transport.netty.frame;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import java.util.Objects;

/**
 * Parses each frame payload (as emitted by {@link FrameDecoder}) into a {@code T}, with aliasing, so
 * the message's {@code bytes} fields (entry data, snapshot chunks) are slices of one private array
 * rather than second copies. An {@link OwnedFrame} (what the frame decoder emits for frames of 1 KiB
 * and more) already is such an array and is parsed in place; any other buffer is copied once into a
 * new array first, and the pooled buffer is released at once. Nothing else ever sees the array, so
 * the slices are as immutable as any {@code ByteString}; the cost is that a message's fields keep
 * their whole frame alive (for appends, about the size of their entries anyway). Protobuf-java 4
 * has no zero-copy parser for direct buffers: without this, a 16 KiB append was copied twice
 * (bench/RESULTS.md, transport findings). A payload that does not parse fails with a
 * {@link CorruptedFrameException}. Stateless and {@link Sharable}.
 *
 * @param <T> the message type every frame on this channel holds
 */
@Sharable
public final class ProtobufFrameDecoder<T extends MessageLite> extends MessageToMessageDecoder<ByteBuf> {
    private final Parser<T> parser;

    public ProtobufFrameDecoder(Parser<T> parser) {
        super(ByteBuf.class);
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(parse(parser, frame));
    }

    /** Parses {@code frame}'s readable bytes without consuming or releasing it. */
    public static <T extends MessageLite> T parse(Parser<T> parser, ByteBuf frame) {
        int length = frame.readableBytes();
        ByteString bytes;
        if (frame instanceof OwnedFrame) {
            bytes = UnsafeByteOperations.unsafeWrap(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        } else {
            byte[] copy = new byte[length];
            frame.getBytes(frame.readerIndex(), copy);
            bytes = UnsafeByteOperations.unsafeWrap(copy);
        }
        try {
            CodedInputStream in = bytes.newCodedInput();
            in.enableAliasing(true);
            T message = parser.parseFrom(in);
            in.checkLastTagWas(0);
            return message;
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptedFrameException("a frame of " + length + " bytes is not a valid message: "
                    + e.getMessage(), e);
        }
    }
}
