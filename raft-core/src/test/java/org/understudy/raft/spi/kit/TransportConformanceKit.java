package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * The contract of {@link Transport}, point by point. Every transport (memory, Netty) extends this
 * class and implements {@link #newCluster(int)}.
 *
 * <p><b>Order.</b> Raft tolerates lost, duplicated and reordered messages, but the kit also checks
 * that the messages one sender sends to one peer arrive in the order they were sent while the
 * connection stays up, as TCP and the in-memory network both give: replication is much better
 * behaved that way and a transport that reorders has a bug worth knowing about. The order is only
 * checked among messages of one type and similar size, so a transport that puts urgent and bulk
 * traffic in separate lanes (DESIGN.md §6) still passes.
 *
 * <p><b>Timing.</b> No test assumes how long anything takes. Before a test sends for real, every
 * pair is "warmed up": a probe is re-sent until it arrives, so a transport may connect lazily and
 * drop what it is asked to send while connecting. After that the messages of a test are sent once
 * and must all arrive (within {@link #deliveryTimeout()}). "Never blocks" is checked with a
 * generous bound. A message that must <em>not</em> arrive is checked by sending a marker after
 * it on the same path and waiting for the marker.
 */
public abstract class TransportConformanceKit {
    private static final String WARM_UP = "kit-warm-up";
    private static final int MIB = 1 << 20;

    /** Nodes {@code 1..nodes}, wired with each other's addresses, not started. */
    protected abstract TransportCluster newCluster(int nodes);

    /** How long a message sent on a warm connection may take to arrive. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(30);
    }

    private TransportCluster cluster;
    private final Map<Long, RecordingInbound> inbound = new ConcurrentHashMap<>();

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    public void messagesReachEveryPeerFromEveryPeer() {
        startWarmCluster(3);

        for (long from = 1; from <= 3; from++) {
            for (long to = 1; to <= 3; to++) {
                if (from != to) {
                    transport(from).send(message(from, to, "pairs", from * 10 + to));
                }
            }
        }

        for (long to = 1; to <= 3; to++) {
            long dest = to;
            List<RaftMessage> expected = new ArrayList<>();
            for (long from = 1; from <= 3; from++) {
                if (from != dest) {
                    expected.add(message(from, dest, "pairs", from * 10 + dest));
                }
            }
            await().atMost(deliveryTimeout()).untilAsserted(
                    () -> assertThat(inbound(dest).tagged("pairs")).containsAll(expected));
            assertThat(inbound(dest).tagged("pairs")).as("node %d got only what was sent to it", dest)
                    .allSatisfy(m -> assertThat(m.getTo()).isEqualTo(dest));
        }
    }

    @Test
    public void aBurstArrivesInTheOrderItWasSent() {
        startWarmCluster(2);
        int burst = 1000;

        for (int seq = 0; seq < burst; seq++) {
            transport(1).send(message(1, 2, "burst", seq));
            transport(2).send(message(2, 1, "burst", seq));
        }

        for (long to = 1; to <= 2; to++) {
            long dest = to;
            await().atMost(deliveryTimeout()).until(() -> inbound(dest).tagged("burst").size() >= burst);
            assertThat(inbound(dest).tagged("burst")).extracting(RaftMessage::getIndex)
                    .as("the burst as node %d received it", dest)
                    .containsExactlyElementsOf(sequence(burst));
        }
    }

    @Test
    public void sendingToAnUnknownPeerNeitherThrowsNorBlocks() {
        startWarmCluster(2);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 200; i++) {
                transport(1).send(message(1, 99, "unknown", i));
            }
        });

        transport(1).send(message(1, 2, "after-unknown", 1));
        await().atMost(deliveryTimeout()).until(() -> !inbound(2).tagged("after-unknown").isEmpty());
    }

    @Test
    public void sendingAfterCloseOrToAClosedPeerNeitherThrowsNorBlocks() {
        startWarmCluster(3);

        transport(1).close();
        transport(1).close();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 200; i++) {
                assertThatCode(() -> transport(1).send(message(1, 2, "after-close", 0))).doesNotThrowAnyException();
                assertThatCode(() -> transport(2).send(message(2, 1, "to-closed", 0))).doesNotThrowAnyException();
            }
        });

        transport(2).send(message(2, 3, "still-working", 1));
        await().atMost(deliveryTimeout()).until(() -> !inbound(3).tagged("still-working").isEmpty());
    }

    @Test
    public void removePeerStopsDeliveryToIt() {
        startWarmCluster(2);

        transport(1).removePeer(2);
        transport(1).send(message(1, 2, "after-remove", 1));
        transport(1).updatePeer(2, cluster.address(2));
        sendUntilReceived(1, 2, "marker");

        assertThat(inbound(2).tagged("after-remove")).as("sent while node 2 was removed").isEmpty();
    }

    @Test
    public void aLargeMessageIsDelivered() {
        startWarmCluster(2);
        Random random = new Random(4);
        RaftMessage.Builder large = message(1, 2, "large", 1).toBuilder();
        for (int i = 0; i < 4; i++) {
            byte[] data = new byte[MIB];
            random.nextBytes(data);
            large.addEntries(Entry.newBuilder().setIndex(i + 1).setTerm(1).setData(ByteString.copyFrom(data)));
        }
        RaftMessage sent = large.build();

        transport(1).send(sent);

        await().atMost(deliveryTimeout()).until(() -> !inbound(2).tagged("large").isEmpty());
        assertThat(inbound(2).tagged("large").get(0)).isEqualTo(sent);
    }

    @Test
    public void concurrentSendersAreAllDeliveredEachInItsOwnOrder() throws Exception {
        startWarmCluster(3);
        int threads = 4;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String tag = "thread-" + t;
                senders.add(pool.submit(() -> sendBurst(go, 1, 2, tag, perThread)));
            }
            senders.add(pool.submit(() -> sendBurst(go, 3, 2, "node-3", perThread)));
            go.countDown();
            for (Future<?> sender : senders) {
                getOrRethrow(sender);
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> tags = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tags.add("thread-" + t);
        }
        tags.add("node-3");
        for (String tag : tags) {
            await().atMost(deliveryTimeout()).until(() -> inbound(2).tagged(tag).size() >= perThread);
            assertThat(inbound(2).tagged(tag)).extracting(RaftMessage::getIndex).as("messages of sender %s", tag)
                    .containsExactlyElementsOf(sequence(perThread));
        }
    }

    @Test
    public void theInboundHandlerIsNotCalledOnTheSendersThread() throws Exception {
        startWarmCluster(2);
        AtomicReference<Thread> sender = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            sender.set(Thread.currentThread());
            for (int i = 0; i < 10; i++) {
                transport(1).send(message(1, 2, "thread-check", i));
            }
        }, "kit-sender");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(20));

        await().atMost(deliveryTimeout()).until(() -> inbound(2).tagged("thread-check").size() >= 10);
        assertThat(inbound(2).received()).filteredOn(r -> r.message().getContext().toStringUtf8().equals("thread-check"))
                .allSatisfy(r -> assertThat(r.thread()).isNotSameAs(sender.get()).isNotSameAs(Thread.currentThread()));
    }

    // ------------------------------------------------------------------ helpers

    /** Creates a cluster, starts every transport with a {@link RecordingInbound} and warms up every pair. */
    protected final void startWarmCluster(int nodes) {
        cluster = newCluster(nodes);
        assertThat(cluster.size()).isEqualTo(nodes);
        for (long id = 1; id <= nodes; id++) {
            RecordingInbound recorder = new RecordingInbound();
            inbound.put(id, recorder);
            cluster.transport(id).start(recorder);
        }
        for (long from = 1; from <= nodes; from++) {
            for (long to = 1; to <= nodes; to++) {
                if (from != to) {
                    sendUntilReceived(from, to, WARM_UP);
                }
            }
        }
    }

    protected final Transport transport(long id) {
        return cluster.transport(id);
    }

    protected final RecordingInbound inbound(long id) {
        return inbound.get(id);
    }

    /**
     * Re-sends a probe tagged {@code tag} from {@code from} to {@code to} until one arrives. The
     * re-sending tolerates transports that drop while they connect.
     */
    protected final void sendUntilReceived(long from, long to, String tag) {
        ByteString context = ByteString.copyFromUtf8(tag);
        RaftMessage probe = RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(from).setTo(to)
                .setTerm(1).setContext(context).build();
        await().atMost(deliveryTimeout()).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> {
            if (!inbound(to).tagged(tag).isEmpty()) {
                return true;
            }
            transport(from).send(probe);
            return false;
        });
    }

    /** A small append whose {@code index} is {@code seq} and whose context is {@code tag}. */
    protected static RaftMessage message(long from, long to, String tag, long seq) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_APPEND).setFrom(from).setTo(to).setTerm(1)
                .setIndex(seq).setCommit(seq / 2).setContext(ByteString.copyFromUtf8(tag)).build();
    }

    private void sendBurst(CountDownLatch go, long from, long to, String tag, int count) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (int seq = 0; seq < count; seq++) {
            transport(from).send(message(from, to, tag, seq));
        }
    }

    private static List<Long> sequence(int count) {
        List<Long> out = new ArrayList<>(count);
        for (long i = 0; i < count; i++) {
            out.add(i);
        }
        return out;
    }

    private static void getOrRethrow(Future<?> future) throws Exception {
        try {
            future.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
