package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.kit.RecordingInbound;

/**
 * Over real sockets: peers of another cluster, or dialling the wrong node, are refused before
 * anything is delivered, with a WARN line and a metric; a malformed frame closes only its own
 * connection; a peer that cannot be reached is reported to the node.
 */
class PeerConnectionRefusalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Closed last-created first. */
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    @AfterEach
    void closeAll() {
        TestTransports.closeAll(new ArrayList<>(closeables));
    }

    private NettyTransport transport(String cluster, long id, SimpleMeterRegistry registry) {
        NettyTransport t = new NettyTransport(TestTransports.options(cluster, id, registry).build());
        closeables.push(t);
        return t;
    }

    private static RaftMessage heartbeat(long from, long to, String tag) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(from).setTo(to).setTerm(1)
                .setContext(ByteString.copyFromUtf8(tag)).build();
    }

    /** Sends {@code tag} from {@code from} until {@code to} got it. */
    private static void sendUntilReceived(NettyTransport from, long fromId, long toId, RecordingInbound to, String tag) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            from.send(heartbeat(fromId, toId, tag));
            return !to.tagged(tag).isEmpty();
        });
    }

    @Test
    void aPeerOfAnotherClusterIsRefusedWithALogLineAndAMetricAndNothingIsDelivered() {
        SimpleMeterRegistry alphaMeters = new SimpleMeterRegistry();
        SimpleMeterRegistry betaMeters = new SimpleMeterRegistry();
        try (LogCapture log = new LogCapture(HandshakeAcceptor.class)) {
            NettyTransport node1 = transport("alpha", 1, alphaMeters);
            NettyTransport intruder = transport("beta", 2, betaMeters);
            NettyTransport node3 = transport("alpha", 3, new SimpleMeterRegistry());
            RecordingInbound inbound1 = new RecordingInbound();
            node1.start(inbound1);
            intruder.start(new RecordingInbound());
            node3.start(new RecordingInbound());
            intruder.updatePeer(1, node1.address());
            node3.updatePeer(1, node1.address());

            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
                intruder.send(heartbeat(2, 1, "intruder"));
                return TestTransports.count(alphaMeters, "handshake.rejected", "reason", "cluster-id", "side", "inbound") >= 1
                        && TestTransports.count(betaMeters, "handshake.rejected", "reason", "cluster-id", "side", "outbound") >= 1;
            });
            sendUntilReceived(node3, 3, 1, inbound1, "member"); // the port works for the right cluster

            assertThat(inbound1.tagged("intruder")).isEmpty();
            assertThat(log.warnings()).anySatisfy(line -> assertThat(line)
                    .contains("refused a peer connection", "cluster 'beta'", "cluster 'alpha'", "reason cluster-id"));
        }
    }

    @Test
    void aPeerDiallingTheWrongNodeIdIsRefused() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NettyTransport node1 = transport("alpha", 1, meters);
        NettyTransport node2 = transport("alpha", 2, new SimpleMeterRegistry());
        RecordingInbound inbound1 = new RecordingInbound();
        node1.start(inbound1);
        node2.start(new RecordingInbound());
        node2.updatePeer(5, node1.address()); // node 2 believes node 5 lives there

        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            node2.send(heartbeat(2, 5, "misdialled"));
            return TestTransports.count(meters, "handshake.rejected", "reason", "wrong-receiver") >= 1;
        });
        assertThat(inbound1.received()).isEmpty();
    }

    @Test
    void aMalformedFrameClosesOnlyItsOwnConnection() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NettyTransport node1 = transport("alpha", 1, meters);
        NettyTransport node2 = transport("alpha", 2, new SimpleMeterRegistry());
        RecordingInbound inbound1 = new RecordingInbound();
        node1.start(inbound1);
        node2.start(new RecordingInbound());
        node2.updatePeer(1, node1.address());
        sendUntilReceived(node2, 2, 1, inbound1, "before");
        RawPeer raw = new RawPeer();
        closeables.push(raw);

        RawPeer.Client client = raw.connect(node1.localAddress(), null);
        client.channel().writeAndFlush(PeerProtocol.handshake("alpha", 3, 1, Lane.CONTROL));
        await().atMost(WAIT).until(() -> !client.received().isEmpty());
        client.channel().writeAndFlush(Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, 1}));

        await().atMost(WAIT).until(() -> !client.channel().isActive());
        assertThat(TestTransports.count(meters, "frames.malformed")).isEqualTo(1);
        node2.send(heartbeat(2, 1, "after"));
        await().atMost(WAIT).until(() -> !inbound1.tagged("after").isEmpty()); // node 2's connection was untouched
    }

    @Test
    void anUnreachablePeerIsReportedAndDroppedMessagesAreCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NettyTransport gone = transport("alpha", 2, new SimpleMeterRegistry());
        String deadAddress = gone.address();
        gone.close(); // nothing listens there any more
        NettyTransport node1 = transport("alpha", 1, meters);
        RecordingInbound inbound1 = new RecordingInbound();
        node1.start(inbound1);
        node1.updatePeer(2, deadAddress);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            node1.send(heartbeat(1, 2, "void"));
            // a failure, a reconnect after the backoff, and that attempt failing too
            return inbound1.unreachable().contains(2L)
                    && TestTransports.count(meters, "reconnects", "lane", "control") >= 1
                    && TestTransports.count(meters, "connect.failures", "lane", "control") >= 2;
        });
        assertThat(TestTransports.count(meters, "messages.dropped", "lane", "control")).isPositive();
    }
}
