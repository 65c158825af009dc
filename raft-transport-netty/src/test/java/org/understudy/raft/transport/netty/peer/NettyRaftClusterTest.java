package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.kit.RecordingInbound;

/** Three {@link RaftNode}s over {@link NettyTransport}s on loopback: election, replication, restart, intruders. */
class NettyRaftClusterTest {
    private static final String CLUSTER = "raft-cluster";
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** What survives a node's restart: its storage and its port. */
    private record Disk(MemoryLogStorage log, MemorySnapshotStore snapshots) {}

    private final Map<Long, Disk> disks = new HashMap<>();
    private final Map<Long, Integer> ports = new HashMap<>();
    private final Map<Long, SimpleMeterRegistry> meters = new HashMap<>();
    private final Map<Long, DigestMachine> machines = new HashMap<>();
    private final Map<Long, RaftNode<Long>> nodes = new HashMap<>();
    private final List<AutoCloseable> extras = new ArrayList<>();

    @AfterEach
    void stop() {
        List<AutoCloseable> all = new ArrayList<>(nodes.values());
        all.addAll(extras);
        TestTransports.closeAll(all);
    }

    private NettyTransport bind(long id, int port) {
        meters.put(id, new SimpleMeterRegistry());
        NettyTransport t = new NettyTransport(TestTransports.options(CLUSTER, id, meters.get(id))
                .listen("127.0.0.1", port).build());
        ports.put(id, t.localAddress().getPort());
        return t;
    }

    private RaftNode<Long> startNode(long id, NettyTransport transport) {
        for (long peer : VOTERS) {
            if (peer != id) {
                transport.updatePeer(peer, "127.0.0.1:" + ports.get(peer));
            }
        }
        Disk disk = disks.computeIfAbsent(id, k -> new Disk(new MemoryLogStorage(), new MemorySnapshotStore()));
        DigestMachine machine = new DigestMachine(0);
        machines.put(id, machine);
        RaftNodeOptions options = RaftNodeOptions.builder(RaftConfig.builder(id).build(), StartMode.found(VOTERS, List.of()))
                .tickMillis(50).snapshotCount(30).build();
        RaftNode<Long> node = RaftNode.create(options, disk.log(), disk.snapshots(), transport, machine);
        nodes.put(id, node);
        node.start();
        return node;
    }

    private void startCluster() {
        Map<Long, NettyTransport> transports = new HashMap<>();
        for (long id : VOTERS) {
            transports.put(id, bind(id, 0)); // all ports known before any node starts
        }
        for (long id : VOTERS) {
            startNode(id, transports.get(id));
        }
    }

    private RaftNode<Long> awaitLeader() {
        await().atMost(WAIT).until(() -> nodes.values().stream().filter(n -> n.status().isLeader()).count() == 1);
        return nodes.values().stream().filter(n -> n.status().isLeader()).findFirst().orElseThrow();
    }

    private static void propose(RaftNode<Long> leader, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            leader.propose(ByteString.copyFromUtf8(prefix + i)).get(10, TimeUnit.SECONDS);
        }
    }

    private void awaitSameState(long expectedCommands) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (long id : VOTERS) {
                assertThat(machines.get(id).commands()).as("commands applied on node %d", id).isEqualTo(expectedCommands);
            }
            assertThat(machines.values().stream().map(DigestMachine::digest).distinct()).hasSize(1);
        });
    }

    @Test
    void threeNodesElectReplicateAndARestartedNodeOnTheSamePortCatchesUp() throws Exception {
        startCluster();
        RaftNode<Long> leader = awaitLeader();
        propose(leader, "before-", 20);
        awaitSameState(20);

        long follower = VOTERS.stream().filter(id -> id != leader.id()).findFirst().orElseThrow();
        // Read before the close: the attempt that finally reaches the restarted node may be counted
        // at any moment after the connection is lost, even before the restart.
        double reconnectsBefore = TestTransports.count(meters.get(leader.id()), "reconnects");
        nodes.remove(follower).close(); // closes its transport: the port is free again
        propose(leader, "while-down-", 40); // past snapshotCount: the follower may need a snapshot

        startNode(follower, bind(follower, ports.get(follower)));

        awaitSameState(60);
        assertThat(TestTransports.count(meters.get(leader.id()), "reconnects"))
                .as("the leader reconnected to the restarted node").isGreaterThan(reconnectsBefore);
        assertThat(nodes.get(follower).status().leaderId()).isEqualTo(leader.id());
    }

    @Test
    void aFollowersLinearizableReadIndexIsAnsweredByTheLeader() throws Exception {
        startCluster();
        RaftNode<Long> leader = awaitLeader();
        propose(leader, "r", 5);
        for (RaftNode<Long> node : nodes.values()) {
            // a follower forwards MSG_READ_INDEX (term 0, a local request) to the leader over the
            // transport and gets MSG_READ_INDEX_RESP back once a quorum confirmed the leader
            long index = node.readIndex().get(10, TimeUnit.SECONDS);
            assertThat(index).as("read index on node %d", node.id()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void aTransportOfAnotherClusterIsRefusedAndCannotDisturbTheCluster() throws Exception {
        startCluster();
        RaftNode<Long> leader = awaitLeader();
        long term = leader.status().term();
        propose(leader, "x", 1);
        try (LogCapture log = new LogCapture(HandshakeAcceptor.class)) {
            NettyTransport intruder = new NettyTransport(TestTransports.options("another-cluster", 4,
                    new SimpleMeterRegistry()).build());
            extras.add(intruder);
            intruder.start(new RecordingInbound());
            for (long id : VOTERS) {
                intruder.updatePeer(id, "127.0.0.1:" + ports.get(id));
            }
            // A vote request in a far higher term would depose the leader if it were delivered.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                for (long id : VOTERS) {
                    intruder.send(RaftMessage.newBuilder().setType(MessageType.MSG_VOTE).setFrom(4).setTo(id)
                            .setTerm(term + 1000).setLogTerm(term + 1000).setIndex(1_000_000).build());
                }
                return VOTERS.stream().allMatch(id -> TestTransports.count(meters.get(id), "handshake.rejected",
                        "reason", "cluster-id", "side", "inbound") >= 1);
            });

            propose(leader, "y", 1);
            assertThat(nodes.values()).allSatisfy(n -> assertThat(n.status().term()).isEqualTo(term));
            assertThat(leader.status().isLeader()).isTrue();
            assertThat(log.warnings()).anySatisfy(line -> assertThat(line)
                    .contains("cluster 'another-cluster'", "reason cluster-id"));
        }
    }
}
