package org.understudy.examples.embed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.storage.mapdb.MapDbStorageEngine;
import org.understudy.raft.transport.netty.TransportException;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;

/**
 * Understudy embedded in a store of your own, with plain constructors (no Dagger): the members of
 * a replicated {@link CounterStateMachine} in one process, each with durable MapDB storage and the
 * Netty peer transport on 127.0.0.1. The root README quotes it. Run it with
 * {@code java -cp examples/target/raft-kv.jar org.understudy.examples.embed.EmbeddedCounter [DATA_DIR]};
 * a second run with the same data dir continues from the value the first one left.
 *
 * <p>In a real deployment each process runs one member, and {@code updatePeer} gets the others'
 * configured addresses instead of the ports the OS picked here.
 */
public final class EmbeddedCounter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCounter.class);
    private static final String CLUSTER_ID = "embedded-counter";

    /** One member: its Raft node, its replica of the counter, and whether it knows a leader yet. */
    private record Member(RaftNode<Long> node, CounterStateMachine counter, CompletableFuture<Void> leaderKnown) {}

    private final List<Member> members = new ArrayList<>();
    /** Everything opened, closed in reverse: each node before the storage it writes to. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final CompletableFuture<Void> leaderElected = new CompletableFuture<>();
    private volatile RaftNode<Long> leader;

    private EmbeddedCounter() {}

    /**
     * Starts one member per id, each keeping its data in {@code dataDir/node-<id>}. On empty
     * directories they found a new cluster of these voters; on the directories of an earlier run
     * they resume from them (the start mode is then ignored).
     */
    public static EmbeddedCounter start(Path dataDir, List<Long> ids) {
        EmbeddedCounter cluster = new EmbeddedCounter();
        try {
            cluster.startMembers(dataDir, ids);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startMembers(Path dataDir, List<Long> ids) {
        // Transport: each member binds a port the OS picks (0), then learns the others' addresses.
        List<NettyTransport> transports = new ArrayList<>();
        for (long id : ids) {
            NettyTransport transport = new NettyTransport(NettyTransportOptions.builder(CLUSTER_ID, id)
                    .listen("127.0.0.1", 0)
                    .build());
            opened.push(transport);
            transports.add(transport);
        }
        for (NettyTransport transport : transports) {
            for (int i = 0; i < ids.size(); i++) {
                transport.updatePeer(ids.get(i), transports.get(i).address()); // every member's; its own id is ignored
            }
        }
        // Storage: MapDB runs on a plain JVM; new ChronicleStorageEngine() appends faster but needs
        // Chronicle's JVM flags (raft-storage-chronicle's README).
        StorageEngine engine = new MapDbStorageEngine();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            NettyTransport transport = transports.get(i);
            StorageOptions storage = StorageOptions.of(dataDir.resolve("node-" + id), CLUSTER_ID, id);
            LogStorage log = engine.openLog(storage);
            opened.push(log);
            SnapshotStore snapshots = engine.openSnapshots(storage);
            opened.push(snapshots);

            CounterStateMachine counter = new CounterStateMachine();
            RaftNodeOptions options = RaftNodeOptions.builder(RaftConfig.builder(id).build(), StartMode.found(ids))
                    .build();
            RaftNode<Long> node = RaftNode.create(options, log, snapshots, transport, counter);
            opened.push(node);
            CompletableFuture<Void> leaderKnown = new CompletableFuture<>();
            node.addLeaderListener(leaderId -> {
                if (leaderId != 0) { // this member knows a leader it can ask for read indexes
                    leaderKnown.complete(null);
                }
                if (leaderId == id) { // this member now leads
                    leader = node;
                    leaderElected.complete(null);
                }
            });
            node.start(); // also starts the transport; node.close() closes it
            members.add(new Member(node, counter, leaderKnown));
        }
    }

    /** Completes once some member has been elected leader. */
    public CompletableFuture<Void> leaderElected() {
        return leaderElected;
    }

    /**
     * Adds {@code amount} through the leader (Raft takes writes only there) and completes with the
     * counter's value right after this command, once a majority has it and the leader applied it.
     * A follower would refuse with {@code NOT_LEADER} and a leader hint: across processes, send the
     * command to the hinted member.
     */
    public CompletableFuture<Long> add(long amount) {
        return leaderElected.thenCompose(elected -> leader.propose(CounterStateMachine.add(amount)));
    }

    /**
     * A linearizable read on member {@code index} (0-based), follower or leader: the read index
     * completes once this member has applied every write acknowledged before the call, so its local
     * value is then up to date (Raft thesis §6.4). A member that knows no leader yet (just after
     * starting, or during an election) refuses a read index with {@code NOT_LEADER}, so the read
     * waits until it knows one.
     */
    public CompletableFuture<Long> read(int index) {
        Member member = members.get(index);
        return member.leaderKnown().thenCompose(known -> member.node().readIndex())
                .thenApply(appliedUpTo -> member.counter().value());
    }

    /** What each member has applied so far, without asking the leader (may trail it). */
    public List<Long> localValues() {
        return members.stream().map(m -> m.counter().value()).toList();
    }

    /** Closes every node, then its storage. */
    @Override
    public void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                LOG.warn("closing failed; closing the rest", e);
            }
        }
    }

    /**
     * What {@link #main} does: three members found (or resume) a cluster, add 5 and then 37, and
     * every member reads the counter linearizably. Returns those three reads.
     */
    static List<Long> run(Path dataDir) throws ExecutionException, InterruptedException, TimeoutException {
        try (EmbeddedCounter cluster = EmbeddedCounter.start(dataDir, List.of(1L, 2L, 3L))) {
            cluster.leaderElected().get(30, TimeUnit.SECONDS);
            cluster.add(5).get(10, TimeUnit.SECONDS);
            cluster.add(37).get(10, TimeUnit.SECONDS);
            List<Long> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(cluster.read(i).get(10, TimeUnit.SECONDS));
            }
            return reads;
        }
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("embedded-counter");
        try {
            System.out.println("counter on members 1, 2, 3: " + run(dataDir) + " (data in " + dataDir + ")");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            System.err.println("embedded counter failed: " + describe(e));
            System.exit(1);
        }
    }

    /** A failure as its code and sentence, not a stack trace. */
    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RaftException r) {
            return r.code() + ": " + r.getMessage();
        } else if (cause instanceof StorageException s) {
            return s.kind() + ": " + s.getMessage();
        } else if (cause instanceof TransportException t) {
            return t.kind() + ": " + t.getMessage();
        } else if (cause instanceof TimeoutException) {
            return "UNAVAILABLE: no answer in time (no leader elected, or no majority reachable)";
        }
        return cause.toString();
    }
}
