package org.understudy.bench.replication;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * End-to-end replication throughput: commands committed and applied per second with
 * {@code proposers} proposals in flight.
 *
 * <p>One operation = take a slot of a {@link ProposalWindow} of {@code proposers} slots (waiting
 * until a proposal in flight is committed if all are taken) and propose one {@code valueBytes}
 * command to the leader; the slot is freed once the command is committed and applied on the
 * leader. In steady state operations per second are therefore commits per second. Each iteration
 * ends by waiting for every proposal in flight and by checking that leadership did not move; the
 * last at most {@code proposers} operations of an iteration are counted in it but complete just
 * after it, a bias of {@code proposers} ÷ operations per iteration (64 of the 10,000 a 2 s iteration
 * holds at 5,000 commits/s: 0.6%). With {@code proposers = 1} this is strictly one proposal after
 * another: the reciprocal of the latency.
 *
 * <p>{@code voters = 1} is the single-node baseline; see {@link ClusterBenchmark} for the
 * parameters and why concurrency is a window rather than threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplicationThroughputBenchmark extends ClusterBenchmark {

    private ProposalWindow window;

    @Setup(Level.Trial)
    public void openWindow() {
        window = new ProposalWindow(proposers);
    }

    @TearDown(Level.Iteration)
    public void awaitInFlight() throws InterruptedException {
        window.drain();
        cluster.checkLeadership();
    }

    @Benchmark
    public void propose() throws InterruptedException {
        window.propose(cluster.leader(), value);
    }

    /** The window, for the smoke test. */
    ProposalWindow window() {
        return window;
    }
}
