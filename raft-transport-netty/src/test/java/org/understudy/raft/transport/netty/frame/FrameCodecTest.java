package org.understudy.raft.transport.netty.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;

/** The frame format on an {@link EmbeddedChannel}: round trips, fail-fast limits, garbage. */
class FrameCodecTest {
    private static final int MAX = 1024;

    private static EmbeddedChannel channel(int max) {
        EmbeddedChannel ch = new EmbeddedChannel();
        FramePipeline.install(ch.pipeline(), max, RaftMessage.parser());
        return ch;
    }

    private static RaftMessage message(int dataBytes, long seed) {
        byte[] data = new byte[dataBytes];
        new Random(seed).nextBytes(data);
        return RaftMessage.newBuilder().setType(MessageType.MSG_APPEND).setFrom(1).setTo(2).setTerm(3).setIndex(seed)
                .addEntries(Entry.newBuilder().setIndex(seed).setTerm(3).setData(ByteString.copyFrom(data))).build();
    }

    @Test
    void aFrameIsTheLengthThenTheMessage() {
        EmbeddedChannel ch = channel(MAX);
        RaftMessage m = message(10, 1);
        assertThat(ch.writeOutbound(m)).isTrue();
        ByteBuf frame = ch.readOutbound();
        try {
            assertThat(frame.readableBytes()).isEqualTo(4 + m.getSerializedSize());
            assertThat(frame.getInt(0)).isEqualTo(m.getSerializedSize());
            byte[] body = new byte[m.getSerializedSize()];
            frame.getBytes(4, body);
            assertThat(body).isEqualTo(m.toByteArray());
        } finally {
            frame.release();
        }
    }

    @Test
    void randomMessagesSurviveAnyWayTheStreamIsCut() {
        for (long seed = 1; seed <= 50; seed++) {
            Random random = new Random(seed);
            EmbeddedChannel writer = channel(MAX);
            EmbeddedChannel reader = channel(MAX);
            int count = 1 + random.nextInt(20);
            RaftMessage[] sent = new RaftMessage[count];
            ByteBuf stream = Unpooled.buffer();
            for (int i = 0; i < count; i++) {
                sent[i] = message(random.nextInt(MAX - 40), seed * 100 + i);
                writer.writeOutbound(sent[i]);
                ByteBuf frame = writer.readOutbound();
                stream.writeBytes(frame);
                frame.release();
            }
            while (stream.isReadable()) { // feed the bytes in random slices
                int n = Math.min(stream.readableBytes(), 1 + random.nextInt(300));
                reader.writeInbound(stream.readRetainedSlice(n));
            }
            stream.release();
            for (int i = 0; i < count; i++) {
                assertThat((RaftMessage) reader.readInbound()).as("seed %d, message %d", seed, i).isEqualTo(sent[i]);
            }
            Object extra = reader.readInbound();
            assertThat(extra).as("seed %d", seed).isNull();
            writer.finishAndReleaseAll();
            reader.finishAndReleaseAll();
        }
    }

    @Test
    void aLengthAboveTheMaximumFailsBeforeTheBodyArrives() {
        EmbeddedChannel ch = channel(MAX);
        ByteBuf prefixOnly = Unpooled.buffer().writeInt(MAX + 1);
        assertThatThrownBy(() -> ch.writeInbound(prefixOnly)).isInstanceOf(TooLongFrameException.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void aFrameOfExactlyTheMaximumIsAccepted() {
        RaftMessage m = message(0, 7);
        int max = m.getSerializedSize();
        EmbeddedChannel ch = channel(max);
        ch.writeOutbound(m);
        ByteBuf frame = ch.readOutbound();
        ch.writeInbound(frame);
        assertThat((RaftMessage) ch.readInbound()).isEqualTo(m);
        ch.finishAndReleaseAll();
    }

    @Test
    void theLengthIsUnsignedSoATopBitMeansTooLong() {
        EmbeddedChannel ch = channel(MAX);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(-5)))
                .isInstanceOf(TooLongFrameException.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void bytesThatAreNotTheMessageAreCorrupt() {
        EmbeddedChannel ch = channel(MAX);
        ByteBuf garbage = Unpooled.buffer().writeInt(4).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        assertThatThrownBy(() -> ch.writeInbound(garbage)).isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("not a valid message");
        ch.finishAndReleaseAll();
    }

    @Test
    void theEncoderRefusesAMessageAboveTheMaximum() {
        EmbeddedChannel ch = channel(MAX);
        assertThatThrownBy(() -> ch.writeOutbound(message(MAX, 3))).isInstanceOf(EncoderException.class)
                .hasMessageContaining("exceeds the maximum frame size of " + MAX);
        Object written = ch.readOutbound();
        assertThat(written).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void theMaximumMustBePositive() {
        assertThatThrownBy(() -> new FrameDecoder(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameEncoder(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
