package org.understudy.bench.replication;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * End-to-end replication latency under {@code proposers} concurrent proposals, as JMH sample time
 * (the report shows p50, p99 and p99.9 in µs).
 *
 * <p>One operation = propose one {@code valueBytes} command to the leader and wait until it is
 * committed and applied on the leader. Meanwhile a {@link BackgroundLoad} keeps
 * {@code proposers - 1} other proposals in flight (each proposes the next as it completes), so the
 * timed proposal shares the leader, its batches and its fsyncs with exactly as many others as in
 * the throughput benchmark at the same {@code proposers}. Only the benchmark thread's proposals
 * are timed: each is one sample of the latency under that load, taken the same way as the
 * background ones (the next starts as the previous completes). The load starts with each
 * iteration and is drained after it, and leadership is checked not to have moved.
 *
 * <p>{@code voters = 1} is the single-node baseline; see {@link ClusterBenchmark} for the
 * parameters and why concurrency is not JMH threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReplicationLatencyBenchmark extends ClusterBenchmark {

    private BackgroundLoad load;

    @Setup(Level.Iteration)
    public void startLoad() {
        load = new BackgroundLoad(cluster.leader(), value, proposers - 1);
        load.start();
    }

    @TearDown(Level.Iteration)
    public void stopLoad() throws InterruptedException {
        load.stop();
        cluster.checkLeadership();
    }

    @Benchmark
    public Long propose() throws InterruptedException {
        load.rethrowFailure();
        try {
            return cluster.leader().propose(value).get(ProposalWindow.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a proposal failed, so this trial's figures are not valid: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a proposal did not commit within " + ProposalWindow.TIMEOUT_SECONDS + " s", e);
        }
    }
}
