package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotChunk;
import org.understudy.raft.spi.kit.RecordingInbound;

/**
 * A peer that accepts the handshake and then never reads: the sender's memory for it stays bounded
 * by the bulk lane's watermarks, the excess is dropped and counted, and another peer's traffic keeps
 * flowing.
 */
class SlowPeerBackpressureTest {
    private static final int HIGH = 2 << 20;

    @Test
    void aPeerThatStopsReadingCostsBoundedMemoryAndDropsTheRest() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicLong handshakes = new AtomicLong();
        try (RawPeer raw = new RawPeer();
                NettyTransport sender = new NettyTransport(TestTransports.options("alpha", 1, meters)
                        .bulkWatermark(new WriteBufferWaterMark(HIGH / 2, HIGH)).build());
                NettyTransport healthy = new NettyTransport(TestTransports.options("alpha", 3, new SimpleMeterRegistry()).build())) {
            RecordingInbound healthyInbound = new RecordingInbound();
            sender.start(new RecordingInbound());
            healthy.start(healthyInbound);
            sender.updatePeer(2, PeerAddress.of(raw.stubbornServer("alpha", 2, handshakes)).toString());
            sender.updatePeer(3, healthy.address());

            RaftMessage chunk = RaftMessage.newBuilder().setType(MessageType.MSG_SNAPSHOT_CHUNK).setFrom(1).setTo(2)
                    .setChunk(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(new byte[256 << 10]))).build();
            long maxQueued = 0;
            // 256 MiB offered to a peer that reads nothing; the OS socket buffers take a few MiB at most
            for (int i = 0; i < 1024; i++) {
                sender.send(chunk);
                maxQueued = Math.max(maxQueued, (long) meters.get("understudy.transport.queued.bytes")
                        .tag("lane", "bulk").gauge().value());
            }
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> TestTransports.count(meters, "messages.dropped", "lane", "bulk", "reason", "lane-full") > 0);

            assertThat(handshakes.get()).isEqualTo(1);
            assertThat(maxQueued).as("bytes queued for the slow peer").isLessThanOrEqualTo(HIGH + chunk.getSerializedSize());
            double sentBytes = TestTransports.count(meters, "bytes.sent", "lane", "bulk");
            assertThat(sentBytes).as("bytes handed to Netty for a peer that reads nothing").isLessThan(256.0 * (1 << 20) / 4);
            RaftMessage heartbeat = RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(1).setTo(3)
                    .setContext(ByteString.copyFromUtf8("still-flowing")).build();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                sender.send(heartbeat);
                return !healthyInbound.tagged("still-flowing").isEmpty();
            });
        }
    }
}
