package org.understudy.raft.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.spi.kit.RecordingInbound;

/**
 * The fault hooks and counters of {@link MemoryNetwork}. A message that must not arrive is checked
 * by a marker sent after it on the same link: the network keeps per-link order, so once the marker
 * is in, the earlier message would have been too.
 */
class MemoryNetworkTest {

    private MemoryNetwork network = new MemoryNetwork();
    private final RecordingInbound in1 = new RecordingInbound();
    private final RecordingInbound in2 = new RecordingInbound();
    private final RecordingInbound in3 = new RecordingInbound();
    private MemoryTransport t1 = started(1, in1);
    private MemoryTransport t2 = started(2, in2);
    private MemoryTransport t3 = started(3, in3);

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void isolateDropsBothDirectionsUntilHeal() {
        network.isolate(2);
        t1.send(message(1, 2, "to-isolated"));
        t2.send(message(2, 1, "from-isolated"));
        t1.send(message(1, 3, "others"));
        await().until(() -> !in3.tagged("others").isEmpty());

        network.heal();
        t1.send(message(1, 2, "marker"));
        t2.send(message(2, 1, "marker"));
        await().until(() -> !in2.tagged("marker").isEmpty() && !in1.tagged("marker").isEmpty());

        assertThat(in2.tagged("to-isolated")).isEmpty();
        assertThat(in1.tagged("from-isolated")).isEmpty();
        assertThat(network.dropped()).isEqualTo(2);
        assertThat(network.delivered()).isEqualTo(3);
    }

    @Test
    void dropCutsOneDirectionOfOneLink() {
        network.drop(1, 2, true);
        t1.send(message(1, 2, "cut"));
        t2.send(message(2, 1, "reverse"));
        t3.send(message(3, 2, "other-link"));
        await().until(() -> !in1.tagged("reverse").isEmpty() && !in2.tagged("other-link").isEmpty());

        network.drop(1, 2, false);
        t1.send(message(1, 2, "marker"));
        await().until(() -> !in2.tagged("marker").isEmpty());

        assertThat(in2.tagged("cut")).isEmpty();
        assertThat(network.dropped()).isEqualTo(1);
    }

    @Test
    void aFullDestinationQueueDropsTheOverflow() throws InterruptedException {
        network.close();
        network = new MemoryNetwork(4);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingInbound seen = new RecordingInbound();
        MemoryTransport sender = network.transport(1);
        network.transport(2).start(new Transport.Inbound() {
            @Override
            public void onMessage(RaftMessage message) {
                seen.onMessage(message);
                if (message.getIndex() == 0) {
                    entered.countDown();
                    awaitQuietly(release); // stalls the delivery thread on purpose
                }
            }
        });

        sender.send(message(1, 2, "fill", 0));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 7; i++) {
            sender.send(message(1, 2, "fill", i));
        }
        assertThat(network.dropped()).as("4 wait, 3 overflow").isEqualTo(3);
        release.countDown();

        await().until(() -> network.delivered() == 5);
        assertThat(seen.tagged("fill")).extracting(RaftMessage::getIndex).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void messagesToUnknownClosedOrUnstartedNodesAreDroppedAndReportedUnreachable() {
        MemoryTransport unstarted = network.transport(4);
        t3.close();

        t1.send(message(1, 99, "unknown"));
        t1.send(message(1, 3, "closed"));
        t1.send(message(1, 4, "unstarted"));
        t1.send(message(1, 2, "marker"));
        await().until(() -> !in2.tagged("marker").isEmpty());

        assertThat(network.dropped()).isEqualTo(3);
        assertThat(in1.unreachable()).containsExactly(99L, 3L, 4L);
        assertThat(unstarted.id()).isEqualTo(4);
    }

    @Test
    void aClosedNodeCanJoinAgainWithTheSameId() {
        assertThatThrownBy(() -> network.transport(1)).isInstanceOf(IllegalStateException.class);
        t1.close();
        RecordingInbound restarted = new RecordingInbound();
        t1 = started(1, restarted);

        t2.send(message(2, 1, "after-restart"));

        await().until(() -> !restarted.tagged("after-restart").isEmpty());
        assertThat(in1.tagged("after-restart")).isEmpty();
    }

    @Test
    void aThrowingHandlerDoesNotStopDelivery() {
        MemoryTransport faulty = network.transport(5);
        faulty.start(message -> {
            throw new IllegalStateException("handler bug");
        });

        t1.send(message(1, 5, "boom"));
        t1.send(message(1, 2, "after-boom"));

        await().until(() -> !in2.tagged("after-boom").isEmpty());
        assertThat(network.delivered()).isEqualTo(2);
    }

    @Test
    void closeStopsTheNetworkAndLaterSendsAreDropped() {
        network.close();
        long droppedBefore = network.dropped();

        t1.send(message(1, 2, "after-network-close"));

        assertThat(network.dropped()).isEqualTo(droppedBefore + 1);
        assertThatThrownBy(() -> network.transport(7)).isInstanceOf(IllegalStateException.class);
    }

    private MemoryTransport started(long id, Transport.Inbound inbound) {
        MemoryTransport t = network.transport(id);
        t.start(inbound);
        return t;
    }

    private static RaftMessage message(long from, long to, String tag) {
        return message(from, to, tag, 0);
    }

    private static RaftMessage message(long from, long to, String tag, long index) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_APPEND).setFrom(from).setTo(to).setIndex(index)
                .setContext(ByteString.copyFromUtf8(tag)).build();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
