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
import org.understudy.raft.transport.netty.frame.ProtobufFrameDecoder;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;
import org.understudy.raft.transport.netty.proto.LaneKind;

/** The accepting side's handshake rules on an {@link EmbeddedChannel}: nothing is delivered before a good handshake. */
class HandshakeAcceptorTest {
    private static final long SELF = 2;
    private static final String CLUSTER = "alpha";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TransportMetrics metrics = new TransportMetrics(registry, SELF, CLUSTER);
    private final RecordingInbound inbound = new RecordingInbound();
    private InboundDelivery delivery;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        delivery = new InboundDelivery(SELF, metrics);
        delivery.start(inbound);
        channel = new EmbeddedChannel();
        FramePipeline.install(channel.pipeline(), 1 << 20, Handshake.parser());
        channel.pipeline().addLast("handshake", new HandshakeAcceptor(CLUSTER, delivery, Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf frame(MessageLite m) {
        return Unpooled.buffer().writeInt(m.getSerializedSize()).writeBytes(m.toByteArray());
    }

    private static Handshake handshake(String cluster, long from, long to) {
        return PeerProtocol.handshake(cluster, from, to, Lane.CONTROL);
    }

    private static RaftMessage heartbeat(long from, long to) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(from).setTo(to).setTerm(1)
                .setContext(ByteString.copyFromUtf8("hb")).build();
    }

    private HandshakeReply reply() {
        ByteBuf out = channel.readOutbound();
        try {
            return ProtobufFrameDecoder.parse(HandshakeReply.parser(), out.skipBytes(4));
        } finally {
            out.release();
        }
    }

    private double rejected(String reason) {
        return TestTransports.count(registry, "handshake.rejected", "reason", reason, "side", "inbound");
    }

    @Test
    void aGoodHandshakeIsAcceptedAndMessagesInTheSameReadAreDelivered() {
        ByteBuf both = Unpooled.wrappedBuffer(frame(handshake(CLUSTER, 1, SELF)), frame(heartbeat(1, SELF)));
        channel.writeInbound(both);

        HandshakeReply reply = reply();
        assertThat(reply.getAccepted()).isTrue();
        assertThat(reply.getNodeId()).isEqualTo(SELF);
        assertThat(inbound.received()).extracting(r -> r.message()).containsExactly(heartbeat(1, SELF));
        assertThat(TestTransports.count(registry, "messages.received", "lane", "control")).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void anotherClusterIsRefusedWithAReasonAndNothingIsDelivered() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(handshake("beta", 1, SELF)), frame(heartbeat(1, SELF))));

        HandshakeReply reply = reply();
        assertThat(reply.getAccepted()).isFalse();
        assertThat(reply.getReason()).isEqualTo("cluster-id");
        assertThat(reply.getDetail()).contains("'beta'", "'alpha'");
        assertThat(channel.isOpen()).isFalse();
        assertThat(inbound.received()).isEmpty();
        assertThat(rejected("cluster-id")).isEqualTo(1);
    }

    @Test
    void aConnectionMeantForAnotherNodeIsRefused() {
        channel.writeInbound(frame(handshake(CLUSTER, 1, 3)));
        assertThat(reply().getReason()).isEqualTo("wrong-receiver");
        assertThat(channel.isOpen()).isFalse();
        assertThat(rejected("wrong-receiver")).isEqualTo(1);
    }

    @Test
    void badSendersVersionsAndLanesAreRefused() {
        record Case(Handshake handshake, String reason) {}
        for (Case c : new Case[] {
                new Case(handshake(CLUSTER, 0, SELF), "bad-sender"),
                new Case(handshake(CLUSTER, SELF, SELF), "bad-sender"),
                new Case(handshake(CLUSTER, 1, SELF).toBuilder().setProtocolVersion(99).build(), "protocol-version"),
                new Case(handshake(CLUSTER, 1, SELF).toBuilder().setLane(LaneKind.LANE_UNSPECIFIED).build(), "unknown-lane")}) {
            setUp();
            channel.writeInbound(frame(c.handshake()));
            assertThat(reply().getReason()).as("%s", c.handshake()).isEqualTo(c.reason());
            assertThat(channel.isOpen()).isFalse();
        }
        assertThat(inbound.received()).isEmpty();
    }

    @Test
    void aFirstFrameThatIsNotAHandshakeClosesTheConnection() {
        channel.writeInbound(Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertThat(channel.isOpen()).isFalse();
        assertThat(rejected("malformed")).isEqualTo(1);
        assertThat(TestTransports.count(registry, "frames.malformed")).isEqualTo(1);
    }

    @Test
    void silenceIsRefusedAfterTheTimeout() {
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(rejected("timeout")).isEqualTo(1);
    }

    @Test
    void messagesWithAnotherSenderOrReceiverThanTheHandshakeAreDropped() {
        channel.writeInbound(frame(handshake(CLUSTER, 1, SELF)));
        reply();
        channel.writeInbound(frame(heartbeat(3, SELF)));
        channel.writeInbound(frame(heartbeat(1, 4)));
        channel.writeInbound(frame(heartbeat(1, SELF)));

        assertThat(inbound.received()).extracting(r -> r.message()).containsExactly(heartbeat(1, SELF));
        assertThat(TestTransports.count(registry, "messages.dropped", "reason", "misaddressed")).isEqualTo(2);
    }

    @Test
    void aMalformedFrameAfterTheHandshakeClosesOnlyThisConnection() {
        channel.writeInbound(frame(handshake(CLUSTER, 1, SELF)));
        reply();
        channel.writeInbound(Unpooled.buffer().writeInt(2).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff}));
        assertThat(channel.isOpen()).isFalse();
        assertThat(TestTransports.count(registry, "frames.malformed")).isEqualTo(1);
    }

    @Test
    void messagesBeforeStartAreDroppedAndCounted() {
        InboundDelivery unstarted = new InboundDelivery(SELF, metrics);
        EmbeddedChannel ch = new EmbeddedChannel();
        FramePipeline.install(ch.pipeline(), 1 << 20, Handshake.parser());
        ch.pipeline().addLast(new HandshakeAcceptor(CLUSTER, unstarted, Duration.ofSeconds(5)));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(handshake(CLUSTER, 1, SELF)), frame(heartbeat(1, SELF))));
        assertThat(TestTransports.count(registry, "messages.dropped", "reason", "not-started")).isEqualTo(1);
        ch.finishAndReleaseAll();
    }
}
