package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.kit.RecordingInbound;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.support.LogThrottle;

/**
 * The stalled-frame rule on an {@link EmbeddedChannel} with a virtual clock: a connection is closed
 * only when a frame stops arriving midway for the timeout; silence between frames and a frame that
 * keeps moving, however slowly, are fine.
 */
class StalledFrameGuardTest {
    private static final long SELF = 2;
    private static final String CLUSTER = "alpha";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TransportMetrics metrics = new TransportMetrics(registry, SELF, CLUSTER);
    private final RecordingInbound inbound = new RecordingInbound();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        InboundDelivery delivery = new InboundDelivery(SELF, metrics);
        delivery.start(inbound);
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("stall-guard", new StalledFrameGuard(TIMEOUT, delivery,
                new LogThrottle(10, TimeUnit.SECONDS)));
        FramePipeline.install(channel.pipeline(), 1 << 20, Handshake.parser());
        channel.pipeline().addLast("handshake", new HandshakeAcceptor(CLUSTER, delivery, Duration.ofSeconds(5)));
        channel.writeInbound(frame(PeerProtocol.handshake(CLUSTER, 1, SELF, Lane.CONTROL)));
        ((ByteBuf) channel.readOutbound()).release(); // the accepted reply
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf frame(MessageLite m) {
        return Unpooled.buffer().writeInt(m.getSerializedSize()).writeBytes(m.toByteArray());
    }

    private static RaftMessage append(int dataBytes) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_APPEND).setFrom(1).setTo(SELF).setTerm(1)
                .setContext(ByteString.copyFrom(new byte[dataBytes])).build();
    }

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    private double stalled() {
        return TestTransports.count(registry, "frames.stalled");
    }

    @Test
    void aFrameThatStopsMidwayIsClosedAfterTheTimeout() {
        ByteBuf whole = frame(append(1000));
        channel.writeInbound(whole.readRetainedSlice(300));
        whole.release();

        advance(14);
        assertThat(channel.isOpen()).as("open before the timeout").isTrue();
        advance(2);
        assertThat(channel.isOpen()).as("closed after 16 s without a byte mid-frame").isFalse();
        assertThat(stalled()).isEqualTo(1);
        assertThat(inbound.received()).isEmpty();
    }

    @Test
    void aStalledLengthPrefixCountsAsMidFrame() {
        channel.writeInbound(Unpooled.buffer().writeShort(0));
        advance(16);
        assertThat(channel.isOpen()).isFalse();
        assertThat(stalled()).isEqualTo(1);
    }

    @Test
    void silenceBetweenFramesIsNeverATimeout() {
        channel.writeInbound(frame(append(10)));
        advance(600);
        assertThat(channel.isOpen()).as("an idle connection after a whole frame").isTrue();
        channel.writeInbound(frame(append(10)));
        assertThat(inbound.received()).hasSize(2);
        assertThat(stalled()).isZero();
    }

    @Test
    void aFrameThatKeepsMovingSlowlyIsNotCutOff() {
        ByteBuf whole = frame(append(3000));
        int total = whole.readableBytes();
        // 1,000 bytes every 10 s: 30+ s for one frame, but never 15 s without a byte
        while (whole.isReadable()) {
            channel.writeInbound(whole.readRetainedSlice(Math.min(1000, whole.readableBytes())));
            assertThat(channel.isOpen()).as("open with %d of %d bytes in", total - whole.readableBytes(), total)
                    .isTrue();
            advance(10);
        }
        whole.release();
        assertThat(inbound.received()).hasSize(1);
        advance(60);
        assertThat(channel.isOpen()).isTrue();
        assertThat(stalled()).isZero();
    }

    @Test
    void theTimerForAFrameCompletedInTimeDoesNotCloseTheNextIdlePeriod() {
        ByteBuf whole = frame(append(500));
        channel.writeInbound(whole.readRetainedSlice(100));
        advance(5);
        channel.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
        whole.release();
        advance(30);
        assertThat(channel.isOpen()).isTrue();
        assertThat(inbound.received()).hasSize(1);
    }
}
