package org.understudy.raft.transport.netty.frame;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.channel.ChannelPipeline;

/**
 * Adds the frame codec to a pipeline under stable names, so that protocol handlers can find and
 * replace the message decoder (a peer connection parses a {@code Handshake} first and Raft messages
 * after it).
 */
public final class FramePipeline {
    /** The name of the {@link FrameDecoder}. */
    public static final String FRAME_DECODER = "frame-decoder";
    /** The name of the {@link ProtobufFrameDecoder}. */
    public static final String MESSAGE_DECODER = "message-decoder";
    /** The name of the {@link FrameEncoder}. */
    public static final String FRAME_ENCODER = "frame-encoder";

    private FramePipeline() {}

    /**
     * Appends a {@link FrameDecoder}, a {@link ProtobufFrameDecoder} for {@code firstMessage} and a
     * {@link FrameEncoder}, all with the same maximum frame size.
     */
    public static <T extends MessageLite> void install(ChannelPipeline pipeline, int maxFrameBytes,
            Parser<T> firstMessage) {
        pipeline.addLast(FRAME_DECODER, new FrameDecoder(maxFrameBytes));
        pipeline.addLast(MESSAGE_DECODER, new ProtobufFrameDecoder<>(firstMessage));
        pipeline.addLast(FRAME_ENCODER, new FrameEncoder(maxFrameBytes));
    }

    /** Makes the message decoder parse {@code next} from now on (call on the channel's event loop). */
    public static <T extends MessageLite> void switchMessages(ChannelPipeline pipeline, Parser<T> next) {
        pipeline.replace(MESSAGE_DECODER, MESSAGE_DECODER, new ProtobufFrameDecoder<>(next));
    }
}
