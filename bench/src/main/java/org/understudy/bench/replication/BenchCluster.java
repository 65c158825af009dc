package org.understudy.bench.replication;

import com.google.protobuf.ByteString;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.understudy.bench.storage.BenchDirectory;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.runtime.NodeHealth;
import org.understudy.raft.runtime.NodeStatus;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.StorageEngine;

/**
 * A running cluster of {@code voters} {@link RaftNode}s in this JVM, every node a founding voter,
 * each with its own storage in its own folder below one fresh folder of
 * {@link BenchDirectory#base()} and a {@link CounterMachine}; the whole cluster is closed, its
 * files deleted and its threads checked gone by {@link #close()}.
 *
 * <p>{@link #start} returns only once the cluster is ready to measure: one node leads and every
 * node follows it in the same term, and a first command proposed through the leader has been
 * applied on every node (so the leader's entry of its term is committed, every connection is up
 * and every follower is caught up). The leader and its term are recorded; {@link #checkLeadership}
 * tells whether they still hold, so that a trial in which leadership moved fails rather than
 * mixing two leaders' figures.
 *
 * <p>Node settings are the runtime's defaults (ticks of 100 ms, so an election timeout of 1–2 s;
 * a snapshot every 10,000 entries; election timeouts seeded by node id), except the tick length a
 * caller may shorten to make the smoke test's elections quicker.
 */
final class BenchCluster implements AutoCloseable {
    static final String CLUSTER_ID = "bench-replication";
    /** How long setup may wait for a leader and for the first command; long enough for a busy machine. */
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    private final ClusterImpl impl;
    private final List<Long> ids;
    private final Path dir;
    private final PeerNetwork network;
    private final Map<Long, NodeStorage> storage = new TreeMap<>();
    private final Map<Long, CounterMachine> machines = new TreeMap<>();
    private final Map<Long, RaftNode<Long>> nodes = new TreeMap<>();
    private RaftNode<Long> leader;
    private long leaderTerm;

    private BenchCluster(ClusterImpl impl, List<Long> ids, Path dir, PeerNetwork network) {
        this.impl = impl;
        this.ids = ids;
        this.dir = dir;
        this.network = network;
    }

    /**
     * Starts {@code voters} nodes of {@code impl} with ticks of {@code tickMillis}, waits for a
     * leader and proposes {@code firstCommand} through it (see the class comment).
     *
     * @throws IllegalStateException if no leader emerges or the first command is not applied
     *     everywhere within {@link #SETUP_TIMEOUT}; everything started is closed again first
     */
    static BenchCluster start(ClusterImpl impl, int voters, long tickMillis, ByteString firstCommand) {
        if (voters < 1) {
            throw new IllegalArgumentException("voters must be at least 1: " + voters);
        }
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= voters; id++) {
            ids.add(id);
        }
        Path dir = BenchDirectory.createTemp("replication-" + impl.paramName() + "-" + voters);
        PeerNetwork network;
        try {
            network = impl.network(ids);
        } catch (RuntimeException e) {
            BenchDirectory.delete(dir);
            throw e;
        }
        BenchCluster cluster = new BenchCluster(impl, List.copyOf(ids), dir, network);
        try {
            cluster.startNodes(tickMillis);
            cluster.awaitReady(firstCommand);
            return cluster;
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void startNodes(long tickMillis) {
        StorageEngine engine = impl.storageEngine();
        for (long id : ids) {
            NodeStorage disk = NodeStorage.open(engine, dir.resolve("node-" + id), CLUSTER_ID, id);
            storage.put(id, disk);
            CounterMachine machine = new CounterMachine();
            machines.put(id, machine);
            RaftNodeOptions options = RaftNodeOptions
                    .builder(RaftConfig.builder(id).build(), StartMode.found(ids, List.of()))
                    .tickMillis(tickMillis)
                    .build();
            RaftNode<Long> node = RaftNode.create(options, disk.log(), disk.snapshots(), network.transport(id), machine);
            nodes.put(id, node);
            node.start();
        }
    }

    private void awaitReady(ByteString firstCommand) {
        Waits.until("leader that every node follows", SETUP_TIMEOUT, () -> stableLeader() != null, this::statuses);
        leader = nodes.get(stableLeader().id());
        leaderTerm = leader.status().term();
        try {
            leader.propose(firstCommand).get(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the first command through leader " + leader.id() + " failed; "
                    + statuses(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while proposing the first command", e);
        }
        long applied = leader.status().appliedIndex();
        Waits.until("follower caught up to index " + applied, SETUP_TIMEOUT,
                () -> nodes.values().stream().allMatch(n -> n.status().appliedIndex() >= applied), this::statuses);
        checkLeadership();
    }

    /** The leader's status when one node leads and every node is running and follows it in its term; else null. */
    private NodeStatus stableLeader() {
        List<NodeStatus> all = nodes.values().stream().map(RaftNode::status).toList();
        NodeStatus lead = all.stream().filter(NodeStatus::isLeader).findFirst().orElse(null);
        if (lead == null) {
            return null;
        }
        boolean followed = all.stream().allMatch(s -> s.health() == NodeHealth.RUNNING
                && s.leaderId() == lead.id() && s.term() == lead.term());
        return followed ? lead : null;
    }

    /**
     * @throws IllegalStateException if the node that led when the cluster became ready no longer
     *     leads in the same term (an election happened: the figures of this trial are not valid)
     */
    void checkLeadership() {
        NodeStatus s = leader.status();
        if (!s.isLeader() || s.term() != leaderTerm) {
            throw new IllegalStateException("leadership moved during the trial (node " + leader.id() + " led term "
                    + leaderTerm + "); the figures would mix two leaders; " + statuses());
        }
    }

    /** The leader every proposal goes to. */
    RaftNode<Long> leader() {
        return leader;
    }

    /** Node {@code id}'s state machine. */
    CounterMachine machine(long id) {
        return machines.get(id);
    }

    /** Every node, by id. */
    Map<Long, RaftNode<Long>> nodes() {
        return nodes;
    }

    /** The folder holding every node's data; deleted by {@link #close()}. */
    Path dir() {
        return dir;
    }

    long droppedMessages() {
        return network.droppedMessages();
    }

    List<InetSocketAddress> listenAddresses() {
        return network.listenAddresses();
    }

    /** Name prefixes of every thread this cluster starts. */
    List<String> threadPrefixes() {
        List<String> prefixes = new ArrayList<>();
        for (long id : ids) {
            prefixes.add(ClusterThreads.NODE_PREFIX + id + "-");
        }
        prefixes.addAll(network.threadPrefixes());
        return prefixes;
    }

    /** One line for the benchmark log. */
    String describe() {
        return ids.size() + " voter" + (ids.size() == 1 ? "" : "s") + ", " + impl.paramName() + ": "
                + network.describe() + ", " + impl.storageEngine().name() + " storage in " + dir + "; leader node "
                + leader.id() + " in term " + leaderTerm;
    }

    private String statuses() {
        return "nodes: " + nodes.values().stream().map(n -> {
            NodeStatus s = n.status();
            return s.id() + "=" + s.role() + "/term " + s.term() + "/leader " + s.leaderId() + "/applied "
                    + s.appliedIndex() + "/" + s.health() + (s.failureReason().isEmpty() ? "" : " " + s.failureReason());
        }).collect(Collectors.joining(", "));
    }

    /**
     * Closes every node (each closes its transport), the network, every storage; deletes the
     * folder; and checks that every thread the cluster started has ended. Everything is attempted
     * even if a step fails; the first failure is thrown with the others suppressed.
     */
    @Override
    public void close() {
        List<String> prefixes = threadPrefixes();
        List<RuntimeException> failures = new ArrayList<>();
        for (RaftNode<Long> node : nodes.values()) {
            attempt(node::close, failures);
        }
        attempt(network::close, failures);
        for (NodeStorage disk : storage.values()) {
            attempt(disk::close, failures);
        }
        attempt(() -> BenchDirectory.delete(dir), failures);
        attempt(() -> ClusterThreads.awaitGone(prefixes), failures);
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void attempt(Runnable step, List<RuntimeException> failures) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
