package org.understudy.bench.replication;

import com.google.protobuf.ByteString;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;

/**
 * What both end-to-end replication benchmarks share: the parameters, and a {@link BenchCluster}
 * per trial (started, led and caught up before anything is measured; closed, its files deleted and
 * its threads checked gone after the trial).
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code impl}: {@code memory} (in-memory network and storage: the runtime and core alone),
 *       {@code netty-chronicle}, {@code netty-mapdb} (NettyTransport on loopback, logs on disk
 *       under {@code -Dbench.dir}, synced before acknowledging as the engines do by default).</li>
 *   <li>{@code voters}: 3 (the replicated cluster) or 1 (the single-node baseline: same storage,
 *       same runtime, no replication), measured in the same run so every figure is also a ratio.</li>
 *   <li>{@code valueBytes}: the size of each command, 64 B or 1 KiB of random bytes.</li>
 *   <li>{@code proposers}: how many proposals are in flight at once: 1, 16, 64.</li>
 * </ul>
 *
 * <h2>Why concurrent proposers are a window, not JMH threads</h2>
 * JMH cannot take its thread count from a {@code @Param}, and a thread per proposer would measure
 * the scheduler as much as the library: with 64 benchmark threads on this 2-core machine, every
 * commit wakes a different parked thread that competes for a core with the nodes' own threads, a
 * cost that real clients pay on their own machines, not on the leader's. So one benchmark thread
 * keeps {@code proposers} proposals in flight: the throughput benchmark through a
 * {@link ProposalWindow} (an operation takes a slot and proposes; a commit frees the slot), the
 * latency benchmark by timing one proposal while a {@link BackgroundLoad} keeps the other
 * {@code proposers - 1} in flight. Either way the leader sees exactly {@code proposers}
 * outstanding proposals, as from pipelining clients, and the harness adds one semaphore hand-off
 * per commit. Run with one JMH thread (the default; the setup refuses more).
 *
 * <h2>Fork settings</h2>
 * One fork with a fixed 1 GiB heap (so garbage collection paces the same on every machine; the
 * transport throughput benchmark does the same) and the flags Chronicle Queue needs on Java 17+,
 * as {@code StorageBenchmarkFork} passes them; {@code bench/run.sh} replaces the appended flags with
 * its full set ({@code -jvmArgsAppend}), adding {@code -Dbench.dir}. Warm-up 3 × 2 s (the node's
 * whole path — protobuf, queues, the transport, the engine — is long, and C2 needs invocations),
 * measurement 5 × 2 s.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"}, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true"
})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class ClusterBenchmark {

    /** The runtime's default tick length (an election timeout of 1–2 s). */
    static final long DEFAULT_TICK_MILLIS = RaftNodeOptions
            .builder(RaftConfig.builder(1).build(), StartMode.join()).build().tickMillis();

    @Param({ClusterImpl.MEMORY_NAME, ClusterImpl.NETTY_CHRONICLE_NAME, ClusterImpl.NETTY_MAPDB_NAME})
    public String impl;

    @Param({"3", "1"})
    public int voters;

    @Param({"64", "1024"})
    public int valueBytes;

    @Param({"1", "16", "64"})
    public int proposers;

    /** The nodes' tick length; only the smoke test shortens it, for quicker elections. */
    long tickMillis = DEFAULT_TICK_MILLIS;

    /** The command every proposal carries. */
    ByteString value;

    BenchCluster cluster;

    /** Concurrency comes from {@code proposers}; several JMH threads would each build a cluster of their own. */
    @Setup(Level.Trial)
    public void refuseSeveralThreads(BenchmarkParams params) {
        if (params.getThreads() != 1) {
            throw new IllegalArgumentException("run the replication benchmarks with one JMH thread (-t 1): "
                    + "concurrent proposals come from the proposers parameter");
        }
    }

    @Setup(Level.Trial)
    public void startCluster() {
        if (proposers < 1) {
            throw new IllegalArgumentException("proposers must be at least 1: " + proposers);
        }
        value = Values.random(valueBytes);
        cluster = BenchCluster.start(ClusterImpl.named(impl), voters, tickMillis, value);
        System.out.println("# " + cluster.describe() + "; " + proposers + " proposer" + (proposers == 1 ? "" : "s")
                + ", " + valueBytes + "-byte commands");
    }

    @TearDown(Level.Trial)
    public void stopCluster() {
        if (cluster == null) {
            return;
        }
        long dropped = cluster.droppedMessages();
        try {
            cluster.close();
        } finally {
            cluster = null;
        }
        if (dropped > 0) {
            System.out.println("# the network dropped " + dropped + " messages (Raft re-sent them)");
        }
    }

    /** The running cluster, for the smoke test. */
    BenchCluster cluster() {
        return cluster;
    }
}
