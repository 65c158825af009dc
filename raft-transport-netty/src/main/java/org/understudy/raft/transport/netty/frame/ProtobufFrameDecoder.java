package org.understudy.raft.transport.netty.frame;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import java.util.Objects;

/**
 * Parses each frame payload (as emitted by {@link FrameDecoder}) into a {@code T}. The parsed
 * message owns copies of its bytes, so the frame buffer is released at once. A payload that does
 * not parse fails with a {@link CorruptedFrameException}. Stateless and {@link Sharable}.
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
        try {
            if (frame.hasArray()) {
                return parser.parseFrom(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
            }
            return parser.parseFrom(frame.nioBuffer(frame.readerIndex(), length));
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptedFrameException("a frame of " + length + " bytes is not a valid message: "
                    + e.getMessage(), e);
        }
    }
}
