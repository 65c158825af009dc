package org.understudy.raft.transport.netty.fuzz;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;
import org.understudy.raft.transport.netty.rpc.RpcServer;
import org.understudy.raft.transport.netty.rpc.RpcServerOptions;

/**
 * The system under attack: three {@link RaftNode}s (in-memory storage) over {@link NettyTransport}s
 * and an {@link RpcServer} with an echo method, on loopback. Timeouts for silent connections are
 * short so that truncated frames are cut off quickly.
 */
final class FuzzedCluster implements AutoCloseable {
    static final String CLUSTER = "fuzzed";
    static final List<Long> VOTERS = List.of(1L, 2L, 3L);
    /**
     * How long a peer port waits for a handshake (and the RPC port for a hello), and how long a peer
     * port holds a frame that stopped arriving midway.
     */
    static final Duration GREETING_TIMEOUT = Duration.ofSeconds(1);
    /** How long the RPC port keeps a connection that sends nothing and has nothing in flight. */
    static final Duration RPC_IDLE_TIMEOUT = Duration.ofSeconds(2);

    final Map<Long, NettyTransport> transports = new LinkedHashMap<>();
    final Map<Long, SimpleMeterRegistry> meters = new LinkedHashMap<>();
    final Map<Long, CountingMachine> machines = new LinkedHashMap<>();
    final Map<Long, RaftNode<Long>> nodes = new LinkedHashMap<>();
    final SimpleMeterRegistry rpcMeters = new SimpleMeterRegistry();
    final RpcServer rpc;

    FuzzedCluster() {
        for (long id : VOTERS) {
            meters.put(id, new SimpleMeterRegistry());
            transports.put(id, new NettyTransport(NettyTransportOptions.builder(CLUSTER, id).listen("127.0.0.1", 0)
                    .connectTimeout(GREETING_TIMEOUT).stalledFrameTimeout(GREETING_TIMEOUT).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
                    .meterRegistry(meters.get(id)).build()));
        }
        for (long id : VOTERS) {
            NettyTransport transport = transports.get(id);
            transports.forEach((peer, t) -> transport.updatePeer(peer, t.address()));
            RaftNodeOptions options = RaftNodeOptions.builder(RaftConfig.builder(id).build(),
                    StartMode.found(VOTERS, List.of())).tickMillis(50).snapshotCount(200).build();
            machines.put(id, new CountingMachine());
            RaftNode<Long> node = RaftNode.create(options, new MemoryLogStorage(), new MemorySnapshotStore(), transport,
                    machines.get(id));
            nodes.put(id, node);
            node.start();
        }
        rpc = new RpcServer(RpcServerOptions.builder().name("fuzz").listen("127.0.0.1", 0)
                .helloTimeout(GREETING_TIMEOUT).idleTimeout(RPC_IDLE_TIMEOUT).meterRegistry(rpcMeters).build(),
                Map.of("echo", (ctx, request) -> CompletableFuture.completedFuture(request)));
    }

    Optional<RaftNode<Long>> leader() {
        return nodes.values().stream().filter(n -> n.status().isLeader()).findFirst();
    }

    /** Proposes to the current leader; fails when there is none. */
    CompletableFuture<Long> propose(String command) {
        return leader().map(l -> l.propose(ByteString.copyFromUtf8(command)))
                .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException("no leader right now")));
    }

    long commandsAppliedEverywhere() {
        return machines.values().stream().mapToLong(CountingMachine::commands).min().orElse(0);
    }

    /** Accepted peer connections open on {@code node} right now. */
    double inboundPeerConnections(long node) {
        Gauge g = meters.get(node).find("understudy.transport.connections.inbound").gauge();
        return g == null ? -1 : g.value();
    }

    double malformedFrames() {
        return count("understudy.transport.frames.malformed");
    }

    double stalledFrames() {
        return count("understudy.transport.frames.stalled");
    }

    private double count(String counter) {
        return meters.values().stream().flatMap(m -> m.find(counter).counters().stream())
                .mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(rpc);
        all.addAll(nodes.values()); // each closes its transport
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
