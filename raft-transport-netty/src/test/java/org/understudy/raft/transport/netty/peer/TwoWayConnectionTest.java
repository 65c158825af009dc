package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * Two-way connections: a node answers a peer on the connection the peer dialled, per lane, and
 * still talks to a node that does not (an older release); both sides dialling at once converge
 * without losing a message; a restarted node is answered on its new connection.
 *
 * <p>Connections are counted with the {@code connections.inbound} gauge: the node that dialled has
 * none, the node that answers has one per lane.
 */
class TwoWayConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CLUSTER = "two-way";

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    @AfterEach
    void closeAll() {
        TestTransports.closeAll(new ArrayList<>(closeables));
    }

    /** A node whose inbound handler answers every "req-…" with "rep-…" of the same type and size. */
    static final class Node implements Transport.Inbound, AutoCloseable {
        final long id;
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final NettyTransport transport;
        final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

        Node(long id, NettyTransportOptions.Builder options) {
            this.id = id;
            this.transport = new NettyTransport(options.meterRegistry(meters).build());
            transport.start(this);
        }

        @Override
        public void onMessage(RaftMessage m) {
            String tag = m.getContext().toStringUtf8();
            received.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
            if (tag.startsWith("req-")) {
                transport.send(m.toBuilder().setFrom(id).setTo(m.getFrom())
                        .setContext(ByteString.copyFromUtf8("rep-" + tag.substring(4))).build());
            }
        }

        @Override
        public void onUnreachable(long nodeId) {}

        int count(String tag) {
            AtomicInteger n = received.get(tag);
            return n == null ? 0 : n.get();
        }

        double inboundConnections() {
            Gauge g = meters.find(TransportMetrics.PREFIX + "connections.inbound").gauge();
            return g == null ? -1 : g.value();
        }

        double dropped() {
            return TestTransports.count(meters, "messages.dropped");
        }

        void peer(Node other) {
            transport.updatePeer(other.id, other.transport.address());
        }

        @Override
        public void close() {
            transport.close();
        }
    }

    private Node node(long id, NettyTransportOptions.Builder options) {
        Node n = new Node(id, options);
        closeables.push(n);
        return n;
    }

    private Node node(long id) {
        return node(id, TestTransports.options(CLUSTER, id, null));
    }

    static RaftMessage heartbeat(long from, long to, String tag) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(from).setTo(to).setTerm(1)
                .setContext(ByteString.copyFromUtf8(tag)).build();
    }

    /** An append big enough for the bulk lane (above the default 64 KiB threshold). */
    private static RaftMessage bulkAppend(long from, long to, String tag) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_APPEND).setFrom(from).setTo(to).setTerm(1)
                .addEntries(Entry.newBuilder().setTerm(1).setIndex(1).setData(ByteString.copyFrom(new byte[100_000])))
                .setContext(ByteString.copyFromUtf8(tag)).build();
    }

    /** Sends "req-{tag}" from {@code a} to {@code b} until {@code a} has the answer. */
    private static void roundTrip(Node a, Node b, String tag) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            if (a.count("rep-" + tag) == 0) {
                a.transport.send(heartbeat(a.id, b.id, "req-" + tag));
            }
            return a.count("rep-" + tag) > 0;
        });
    }

    @Test
    void answersTravelOnTheConnectionTheRequestCameOn() {
        Node a = node(1);
        Node b = node(2);
        a.peer(b);
        b.peer(a);
        for (int i = 0; i < 200; i++) {
            a.transport.send(heartbeat(1, 2, "req-" + i));
        }
        await().atMost(WAIT).until(() -> a.received.size() == 200);
        for (int i = 0; i < 200; i++) {
            assertThat(a.count("rep-" + i)).as("answer %d", i).isEqualTo(1);
        }
        assertThat(b.inboundConnections()).as("connections into the answering node").isEqualTo(1.0);
        assertThat(a.inboundConnections()).as("connections into the asking node: the answers came back on its own")
                .isEqualTo(0.0);
        assertThat(a.dropped() + b.dropped()).isZero();
        assertThat(TestTransports.count(b.meters, "messages.sent", "lane", "control")).isEqualTo(200.0);

        // the other way round on the same connection: b now asks, a answers, still one connection
        for (int i = 0; i < 50; i++) {
            b.transport.send(heartbeat(2, 1, "req-b" + i));
        }
        await().atMost(WAIT).until(() -> b.count("rep-b49") == 1);
        assertThat(b.inboundConnections() + a.inboundConnections()).isEqualTo(1.0);
    }

    @Test
    void eachLaneIsSharedOnItsOwn() {
        Node a = node(1);
        Node b = node(2);
        a.peer(b);
        b.peer(a);
        a.transport.send(bulkAppend(1, 2, "req-big"));
        roundTrip(a, b, "small");
        await().atMost(WAIT).until(() -> a.count("rep-big") == 1);
        assertThat(TestTransports.count(b.meters, "messages.sent", "lane", "bulk")).isEqualTo(1.0);
        assertThat(b.inboundConnections()).as("control and bulk connection from a").isEqualTo(2.0);
        assertThat(a.inboundConnections()).isEqualTo(0.0);
    }

    @Test
    void aNodeWithoutTwoWayConnectionsStillTalksBothWays() {
        Node modern = node(1);
        Node old = node(2, TestTransports.options(CLUSTER, 2, null).twoWayConnections(false));
        modern.peer(old);
        old.peer(modern);
        roundTrip(modern, old, "m1"); // the old node answers on a connection of its own
        roundTrip(old, modern, "o1"); // the modern node must not answer on the old node's connection either
        for (int i = 0; i < 20; i++) {
            roundTrip(modern, old, "m-" + i);
            roundTrip(old, modern, "o-" + i);
        }
        assertThat(modern.inboundConnections()).isEqualTo(1.0);
        assertThat(old.inboundConnections()).isEqualTo(1.0);
        assertThat(modern.dropped() + old.dropped()).isZero();
    }

    @Test
    void bothSidesDiallingAtOnceLoseNothingAndKeepAtMostTwoConnections() throws Exception {
        long seed = Long.getLong("twoway.seed", System.nanoTime());
        System.out.println("TwoWayConnectionTest seed: " + seed + " (replay with -Dtwoway.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 12; round++) {
                Node a = node(1);
                Node b = node(2);
                a.peer(b);
                b.peer(a);
                int perSide = 1 + random.nextInt(50);
                long jitterA = random.nextLong(300_000);
                long jitterB = random.nextLong(300_000);
                CyclicBarrier start = new CyclicBarrier(2);
                String prefix = "r" + round + "-";
                Future<?> fa = pool.submit(() -> burst(a, b, prefix + "a", perSide, start, jitterA));
                Future<?> fb = pool.submit(() -> burst(b, a, prefix + "b", perSide, start, jitterB));
                fa.get();
                fb.get();
                int r = round;
                await().atMost(WAIT).untilAsserted(() -> {
                    for (int i = 0; i < perSide; i++) {
                        assertThat(b.count(prefix + "a" + i)).as("seed %d round %d: a's message %d", seed, r, i)
                                .isEqualTo(1);
                        assertThat(a.count(prefix + "b" + i)).as("seed %d round %d: b's message %d", seed, r, i)
                                .isEqualTo(1);
                    }
                });
                assertThat(a.dropped() + b.dropped()).as("seed %d round %d: dropped", seed, r).isZero();
                // after the race: answers in both directions, still on at most the two connections dialled
                roundTrip(a, b, prefix + "after-a");
                roundTrip(b, a, prefix + "after-b");
                await().atMost(WAIT).untilAsserted(() -> assertThat(a.inboundConnections() + b.inboundConnections())
                        .as("seed %d round %d: connections", seed, r).isBetween(1.0, 2.0));
                closeables.remove(a);
                closeables.remove(b);
                TestTransports.closeAll(List.of(a, b));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void burst(Node from, Node to, String prefix, int count, CyclicBarrier start, long jitterNanos)
            throws Exception {
        start.await();
        LockSupport.parkNanos(jitterNanos); // a seeded offset between the two sides, not a wait for a condition
        for (int i = 0; i < count; i++) {
            from.transport.send(heartbeat(from.id, to.id, prefix + i));
        }
        return null;
    }

    @Test
    void aRestartedNodeIsAnsweredOnItsNewConnection() {
        Node a = node(1);
        Node b = node(2);
        a.peer(b);
        b.peer(a);
        roundTrip(a, b, "before");
        int portB = b.transport.localAddress().getPort();
        int portA = a.transport.localAddress().getPort();

        closeables.remove(b);
        b.close();
        Node b2 = node(2, TestTransports.options(CLUSTER, 2, null).listen("127.0.0.1", portB));
        b2.peer(a);
        roundTrip(a, b2, "after-b-restart"); // a's lane reconnects; b2 answers on that connection
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(b2.inboundConnections()).isEqualTo(1.0);
            assertThat(a.inboundConnections()).isEqualTo(0.0);
        });

        closeables.remove(a);
        a.close();
        Node a2 = node(1, TestTransports.options(CLUSTER, 1, null).listen("127.0.0.1", portA));
        a2.peer(b2);
        // now b2 asks first: its lane lost the connection a dialled and dials a2, which answers on it
        roundTrip(b2, a2, "after-a-restart");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a2.inboundConnections()).isEqualTo(1.0);
            assertThat(b2.inboundConnections()).as("a's old connection is gone; a2 dialled none").isEqualTo(0.0);
        });
        roundTrip(a2, b2, "a2-asks"); // and a2's own requests travel on b2's connection too
        assertThat(b2.inboundConnections()).isEqualTo(0.0);
    }

    @Test
    void aChangedPeerAddressClosesTheSharedConnectionAndAPlaintextPeerNamedByHostIsNotAnsweredOnIt() {
        Node a = node(1);
        Node b = node(2);
        a.peer(b);
        b.peer(a);
        roundTrip(a, b, "first");
        assertThat(b.inboundConnections()).isEqualTo(1.0);
        // b learns a new address for a: the same listener under a host name. b's old lane, and the
        // connection it answered on, close; a redials, but without TLS b answers only a connection
        // from the IP literal configured for a (a name would need a lookup on the event loop), so b
        // dials a itself: one connection each way, as without two-way connections.
        b.transport.updatePeer(1, "localhost:" + a.transport.localAddress().getPort());
        roundTrip(a, b, "second");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(b.inboundConnections()).as("a's connection into b").isEqualTo(1.0);
            assertThat(a.inboundConnections()).as("b's own connection into a").isEqualTo(1.0);
        });
    }

    @Test
    void aPlaintextNodeAnswersOnlyAConnectionFromThePeersConfiguredIp() {
        PeerAddress configured = PeerAddress.parse("127.0.0.1:7000", false);
        assertThat(configured.isHostOf(new java.net.InetSocketAddress("127.0.0.1", 41000))).isTrue();
        assertThat(configured.isHostOf(new java.net.InetSocketAddress("127.0.0.2", 41000))).as("another host").isFalse();
        assertThat(configured.isHostOf(new java.net.InetSocketAddress("::ffff:127.0.0.1", 41000)))
                .as("an IPv4-mapped IPv6 address is its IPv4 address").isTrue();
        assertThat(configured.isHostOf(new java.net.InetSocketAddress("::1", 41000))).isFalse();
        assertThat(PeerAddress.parse("[::1]:7000", false).isHostOf(new java.net.InetSocketAddress("::1", 41000))).isTrue();
        assertThat(PeerAddress.parse("localhost:7000", false).isHostOf(new java.net.InetSocketAddress("127.0.0.1", 41000)))
                .as("a host name never matches: no lookups on an event loop").isFalse();
        assertThat(configured.isHostOf(java.net.InetSocketAddress.createUnresolved("127.0.0.1", 41000))).isFalse();
    }
}
