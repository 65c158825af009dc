package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.kit.RecordingInbound;
import org.understudy.raft.transport.netty.proto.HandshakeReply;

/**
 * Live sockets against a real transport with short timeouts: a client that connects and never
 * handshakes, and one that handshakes and then stops in the middle of a frame, are both closed
 * (with their own metric); a healthy connection that is silent for many timeouts stays open and
 * still delivers.
 */
class StalledPeerConnectionTest {
    private static final String CLUSTER = "stall";
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    private static final Duration STALL_TIMEOUT = Duration.ofMillis(300);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingInbound inbound = new RecordingInbound();
    private NettyTransport transport;
    private RawPeer raw;

    @BeforeEach
    void setUp() {
        transport = new NettyTransport(TestTransports.options(CLUSTER, 2, registry)
                .connectTimeout(CONNECT_TIMEOUT).stalledFrameTimeout(STALL_TIMEOUT).build());
        transport.start(inbound);
        raw = new RawPeer();
    }

    @AfterEach
    void tearDown() {
        TestTransports.closeAll(List.of(raw, transport));
    }

    private RawPeer.Client handshaken() {
        RawPeer.Client client = raw.connect(transport.localAddress(), null);
        client.channel().writeAndFlush(PeerProtocol.handshake(CLUSTER, 1, 2, Lane.CONTROL)).syncUninterruptibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.received().peek() instanceof HandshakeReply r
                && r.getAccepted());
        return client;
    }

    private static RaftMessage heartbeat() {
        return RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(1).setTo(2).setTerm(1).build();
    }

    @Test
    void aConnectionThatNeverHandshakesIsClosedAfterTheConnectTimeout() {
        RawPeer.Client silent = raw.connect(transport.localAddress(), null);

        await().atMost(Duration.ofSeconds(5)).until(() -> !silent.channel().isActive());
        assertThat(TestTransports.count(registry, "handshake.rejected", "reason", "timeout", "side", "inbound"))
                .isEqualTo(1);
    }

    @Test
    void aPeerThatStallsMidFrameIsClosedAndCounted() {
        RawPeer.Client client = handshaken();
        ByteBuf half = Unpooled.buffer().writeInt(1000).writeBytes(new byte[100]); // 100 of 1,000 bytes
        client.channel().writeAndFlush(half).syncUninterruptibly();

        await().atMost(Duration.ofSeconds(5)).until(() -> !client.channel().isActive());
        assertThat(TestTransports.count(registry, "frames.stalled")).isEqualTo(1);
        assertThat(inbound.received()).isEmpty();
    }

    @Test
    void aHealthyIdleConnectionStaysOpenAndKeepsDelivering() {
        RawPeer.Client client = handshaken();
        client.channel().writeAndFlush(heartbeat()).syncUninterruptibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> inbound.received().size() == 1);

        // silent for more than three stall timeouts (and the connect timeout): nothing is partial, nothing closes
        await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3)).until(() -> client.channel().isActive());

        client.channel().writeAndFlush(heartbeat()).syncUninterruptibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> inbound.received().size() == 2);
        assertThat(TestTransports.count(registry, "frames.stalled")).isZero();
    }
}
