package org.understudy.raft.transport.netty.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;

/**
 * The frame decoder's two paths (slices of the cumulation for small frames, frames of 1 KiB and
 * more assembled into their own array, whole or across reads): what comes out, what it holds in
 * between, when it takes a frame's array, and how it behaves with auto-read off or when removed.
 */
class FrameDecoderAssemblyTest {
    private static final int MAX = 1 << 20;

    private static ByteBuf frame(byte[] payload) {
        return Unpooled.buffer(4 + payload.length).writeInt(payload.length).writeBytes(payload);
    }

    private static byte[] payload(Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return b;
    }

    private static byte[] bytesOf(ByteBuf frame) {
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void framesOfEverySizeSurviveAnyCutAndTheDecoderHoldsExactlyTheUnfinishedBytes() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            FrameDecoder decoder = new FrameDecoder(MAX);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            List<byte[]> sent = new ArrayList<>();
            // pooled direct input, as from a socket, so no test input is mistaken for an owned array
            ByteBuf stream = PooledByteBufAllocator.DEFAULT.directBuffer();
            int count = 1 + random.nextInt(30);
            for (int i = 0; i < count; i++) {
                int size = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(FrameDecoder.OWN_ARRAY_FROM_BYTES); // small: a slice
                    case 1 -> FrameDecoder.OWN_ARRAY_FROM_BYTES + random.nextInt(16 << 10);
                    case 2 -> FrameDecoder.EAGER_ARRAY_MAX_BYTES - 2 + random.nextInt(4); // at the line
                    default -> random.nextInt(MAX + 1); // up to the maximum: late array
                };
                byte[] p = payload(random, size);
                sent.add(p);
                stream.writeInt(size).writeBytes(p);
            }
            long fed = 0;
            long emitted = 0;
            List<byte[]> received = new ArrayList<>();
            while (stream.isReadable()) {
                int n = Math.min(stream.readableBytes(), 1 + random.nextInt(random.nextBoolean() ? 300 : 70_000));
                ch.writeInbound(stream.readRetainedSlice(n));
                fed += n;
                for (ByteBuf f; (f = ch.readInbound()) != null; ) {
                    assertThat(f instanceof OwnedFrame).as("seed %d: owned iff ≥ 1 KiB", seed)
                            .isEqualTo(f.readableBytes() >= FrameDecoder.OWN_ARRAY_FROM_BYTES);
                    emitted += 4 + f.readableBytes();
                    received.add(bytesOf(f));
                }
                assertThat(decoder.bufferedBytes()).as("seed %d, after %d bytes", seed, fed).isEqualTo(fed - emitted);
            }
            stream.release();
            assertThat(received).as("seed %d", seed).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(received.get(i)).as("seed %d, frame %d", seed, i).isEqualTo(sent.get(i));
            }
            assertThat(decoder.bufferedBytes()).isZero();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void aFrameUpTo64KiBGetsItsArrayFromItsLengthALargerOneOnlyOnceAnEighthHasArrived() {
        FrameDecoder decoder = new FrameDecoder(MAX);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.buffer().writeInt(FrameDecoder.EAGER_ARRAY_MAX_BYTES).writeByte(1));
        assertThat(decoder.assemblingFrame()).isTrue();
        ch.finishAndReleaseAll();

        decoder = new FrameDecoder(MAX);
        ch = new EmbeddedChannel(decoder);
        int big = 800_000;
        ch.writeInbound(Unpooled.buffer().writeInt(big).writeZero(big / FrameDecoder.EAGER_FRACTION - 1));
        assertThat(decoder.assemblingFrame()).as("four bytes of length never buy 800 kB").isFalse();
        assertThat(decoder.bufferedBytes()).isEqualTo(4 + big / FrameDecoder.EAGER_FRACTION - 1);
        ch.writeInbound(Unpooled.buffer().writeZero(1));
        assertThat(decoder.assemblingFrame()).isTrue();
        assertThat(decoder.bufferedBytes()).isEqualTo(4 + big / FrameDecoder.EAGER_FRACTION);
        ch.writeInbound(Unpooled.buffer().writeZero(big - big / FrameDecoder.EAGER_FRACTION));
        ByteBuf f = ch.readInbound();
        assertThat(f).isInstanceOf(OwnedFrame.class);
        assertThat(f.readableBytes()).isEqualTo(big);
        f.release();
        assertThat(decoder.bufferedBytes()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void aTooLongFrameFailsAtItsLengthAndTheFramesAfterItStillDecode() {
        FrameDecoder decoder = new FrameDecoder(2048);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(5000).writeZero(100)))
                .isInstanceOf(TooLongFrameException.class).hasMessageContaining("5000");
        byte[] next = payload(new Random(3), 1500);
        ch.writeInbound(Unpooled.buffer().writeZero(4900).writeBytes(frame(next)));
        assertThat(bytesOf(ch.readInbound())).isEqualTo(next);
        ch.finishAndReleaseAll();
    }

    @Test
    void withAutoReadOffAReadThatOnlyFeedsTheArrayAsksForTheRest() {
        int[] reads = {0};
        FrameDecoder decoder = new FrameDecoder(MAX);
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
            }
        }, decoder);
        ch.config().setAutoRead(false);
        byte[] p = payload(new Random(5), 20_000);
        ByteBuf whole = frame(p);
        ch.writeInbound(whole.readRetainedSlice(10_000)); // starts the array
        int before = reads[0];
        ch.writeInbound(whole.readRetainedSlice(5_000)); // only fills it
        assertThat(reads[0]).as("a read that emitted nothing asks for the next").isGreaterThan(before);
        ch.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
        whole.release();
        assertThat(bytesOf(ch.readInbound())).isEqualTo(p);
        ch.finishAndReleaseAll();
    }

    @Test
    void removedMidFrameItHandsThePartialFrameOnAsBytes() {
        FrameDecoder decoder = new FrameDecoder(MAX);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] p = payload(new Random(9), 5_000);
        ByteBuf whole = frame(p);
        ch.writeInbound(whole.readRetainedSlice(3_000));
        assertThat(decoder.assemblingFrame()).isTrue();
        ch.pipeline().remove(decoder);
        ByteBuf rest = ch.readInbound();
        whole.readerIndex(0);
        assertThat(bytesOf(rest)).isEqualTo(ByteBufUtil.getBytes(whole, 0, 3_000));
        whole.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aLargeMessageIsParsedInPlaceFromItsOwnedArray() {
        byte[] data = payload(new Random(11), 16 << 10);
        RaftMessage m = RaftMessage.newBuilder().setType(MessageType.MSG_APPEND).setFrom(1).setTo(2)
                .addEntries(Entry.newBuilder().setIndex(1).setTerm(1).setData(ByteString.copyFrom(data))).build();
        EmbeddedChannel ch = new EmbeddedChannel();
        FramePipeline.install(ch.pipeline(), MAX, RaftMessage.parser());
        ByteBuf wire = frame(m.toByteArray());
        while (wire.isReadable()) {
            ch.writeInbound(wire.readRetainedSlice(Math.min(1_460, wire.readableBytes())));
        }
        wire.release();
        RaftMessage got = ch.readInbound();
        assertThat(got).isEqualTo(m);
        ch.finishAndReleaseAll();
    }
}
