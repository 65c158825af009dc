package org.understudy.raft.runtime;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.core.Role;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemoryNetwork;
import org.understudy.raft.memory.MemorySnapshotStore;

/**
 * Several {@link RaftNode}s over one {@link MemoryNetwork}, each with in-memory storage, a
 * {@link TestKv} and a {@link GatedTransport}. Ticks are 10 ms and the election timeout 10 ticks,
 * so elections settle in a fraction of a second. Election timeouts are randomized from
 * {@code seed} (printed by the tests on failure).
 */
final class TestCluster implements AutoCloseable {
    static final long TICK_MILLIS = 10;

    final long seed;
    final MemoryNetwork network = new MemoryNetwork();
    final Map<Long, MemoryLogStorage> logs = new TreeMap<>();
    final Map<Long, MemorySnapshotStore> snapshots = new TreeMap<>();
    final Map<Long, TestKv> kvs = new TreeMap<>();
    final Map<Long, GatedTransport> transports = new TreeMap<>();
    final Map<Long, RaftNode<Long>> nodes = new TreeMap<>();
    private final List<Long> founders;
    private UnaryOperator<RaftConfig.Builder> configTweak = b -> b;
    private UnaryOperator<RaftNodeOptions.Builder> optionsTweak = b -> b;

    TestCluster(long seed, List<Long> founders) {
        this.seed = seed;
        this.founders = List.copyOf(founders);
    }

    TestCluster config(UnaryOperator<RaftConfig.Builder> tweak) {
        this.configTweak = tweak;
        return this;
    }

    TestCluster options(UnaryOperator<RaftNodeOptions.Builder> tweak) {
        this.optionsTweak = tweak;
        return this;
    }

    /** Starts every founder. */
    TestCluster startAll() {
        for (long id : founders) {
            start(id, StartMode.found(founders), new MemoryLogStorage(), new MemorySnapshotStore());
        }
        return this;
    }

    /** Starts a node that joins the running cluster with empty storage. */
    RaftNode<Long> startJoiner(long id) {
        return start(id, StartMode.join(), new MemoryLogStorage(), new MemorySnapshotStore());
    }

    /** Closes {@code id} and starts it again on what its storage had made durable (a crash). */
    RaftNode<Long> restart(long id) {
        nodes.get(id).close();
        return start(id, StartMode.found(founders), logs.get(id).crashCopy(), snapshots.get(id).crashCopy());
    }

    /**
     * Closes {@code id} and starts it again on its durable storage with
     * {@link RaftNodeOptions#forceNewCluster()} on.
     */
    RaftNode<Long> restartForcingNewCluster(long id) {
        nodes.get(id).close();
        return start(id, options(id, StartMode.found(founders)).toBuilder().forceNewCluster(true).build(),
                logs.get(id).crashCopy(), snapshots.get(id).crashCopy());
    }

    RaftNodeOptions options(long id, StartMode mode) {
        RaftConfig config = configTweak.apply(RaftConfig.builder(id)
                .electionTick(10)
                .heartbeatTick(1)
                .randomSeed(seed * 1_000 + id)).build();
        return optionsTweak.apply(RaftNodeOptions.builder(config, mode).tickMillis(TICK_MILLIS)).build();
    }

    private RaftNode<Long> start(long id, StartMode mode, MemoryLogStorage log, MemorySnapshotStore store) {
        return start(id, options(id, mode), log, store);
    }

    private RaftNode<Long> start(long id, RaftNodeOptions options, MemoryLogStorage log, MemorySnapshotStore store) {
        TestKv kv = new TestKv();
        GatedTransport transport = new GatedTransport(network.transport(id));
        RaftNode<Long> node = RaftNode.create(options, log, store, transport, kv);
        logs.put(id, log);
        snapshots.put(id, store);
        kvs.put(id, kv);
        transports.put(id, transport);
        nodes.put(id, node);
        node.start();
        return node;
    }

    RaftNode<Long> node(long id) {
        return nodes.get(id);
    }

    TestKv kv(long id) {
        return kvs.get(id);
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
    }

    /** Waits until one running node leads and every other running node follows it; returns its id. */
    long awaitLeader() {
        long[] leader = new long[1];
        eventually().until(() -> {
            Optional<Long> l = stableLeader();
            l.ifPresent(id -> leader[0] = id);
            return l.isPresent();
        });
        return leader[0];
    }

    /** Like {@link #awaitLeader()}, ignoring the nodes in {@code excluded} (isolated or failed ones). */
    long awaitLeaderAmong(long... excluded) {
        long[] leader = new long[1];
        eventually().until(() -> {
            Optional<Long> l = stableLeader(excluded);
            l.ifPresent(id -> leader[0] = id);
            return l.isPresent();
        });
        return leader[0];
    }

    private Optional<Long> stableLeader(long... excluded) {
        List<NodeStatus> running = new ArrayList<>();
        for (RaftNode<Long> n : nodes.values()) {
            NodeStatus s = n.status();
            if (s.health() == NodeHealth.RUNNING && java.util.Arrays.stream(excluded).noneMatch(x -> x == s.id())) {
                running.add(s);
            }
        }
        Optional<NodeStatus> leader = running.stream().filter(s -> s.role() == Role.LEADER).findFirst();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        long id = leader.get().id();
        boolean allFollow = running.stream().allMatch(s -> s.leaderId() == id && s.term() == leader.get().term());
        return allFollow ? Optional.of(id) : Optional.empty();
    }

    /** A running voter other than {@code notThis}. */
    long followerOf(long leader) {
        return nodes.keySet().stream().filter(id -> id != leader && founders.contains(id)).findFirst().orElseThrow();
    }

    /** Waits until every running node has applied at least {@code index}. */
    void awaitApplied(long index) {
        eventually().until(() -> nodes.values().stream()
                .filter(n -> n.status().health() == NodeHealth.RUNNING)
                .allMatch(n -> n.status().appliedIndex() >= index));
    }

    @Override
    public void close() {
        for (GatedTransport t : transports.values()) {
            t.release();
        }
        for (RaftNode<Long> n : nodes.values()) {
            n.close();
        }
        network.close();
    }
}
