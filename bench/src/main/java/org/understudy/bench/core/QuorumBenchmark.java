package org.understudy.bench.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.understudy.raft.core.quorum.AckedIndexer;
import org.understudy.raft.core.quorum.JointConfig;
import org.understudy.raft.core.quorum.MajorityConfig;
import org.understudy.raft.core.tracker.Inflights;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.core.tracker.TrackerConfig;

/**
 * The quorum math a leader runs on every acknowledgement: the committed index, the highest index a
 * majority of the voters (of both halves, in a joint configuration) has acknowledged.
 *
 * <p>{@code config}: {@code 3} voters (1 2 3), {@code 5} voters (1 2 3 4 5), or {@code joint-3-3},
 * the joint configuration (1 2 4)&amp;&amp;(1 2 3) of replacing voter 3 by 4 in one step, which
 * must reach a majority of each half.
 *
 * <p>One operation = one voter's acknowledged index moves up by one (the voters take turns, as
 * acknowledgements arrive), then the committed index is computed:
 * <ul>
 *   <li>{@code committedIndex}: {@code JointConfig.committedIndex} over an array of acknowledged
 *       indexes — the pure function (sort the voters' indexes, take the one a majority reached;
 *       the minimum of the two halves when joint);</li>
 *   <li>{@code trackerCommitted}: {@code Progress.maybeUpdate} on the voter's progress and
 *       {@code ProgressTracker.committed()} — the same function fed from the leader's progress map,
 *       as {@code RaftCore} calls it.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QuorumBenchmark {
    static final String THREE = "3";
    static final String FIVE = "5";
    static final String JOINT = "joint-3-3";

    @Param({THREE, FIVE, JOINT})
    public String config;

    private JointConfig voters;
    private long[] voterIds;
    private int turn;
    /** Acknowledged index by voter id (ids are small). */
    private final long[] acked = new long[8];
    private final AckedIndexer indexer = id -> acked[(int) id];
    private ProgressTracker tracker;

    @Setup(Level.Trial)
    public void build() {
        voters = switch (config) {
            case THREE -> JointConfig.of(MajorityConfig.of(1, 2, 3), MajorityConfig.EMPTY);
            case FIVE -> JointConfig.of(MajorityConfig.of(1, 2, 3, 4, 5), MajorityConfig.EMPTY);
            case JOINT -> JointConfig.of(MajorityConfig.of(1, 2, 4), MajorityConfig.of(1, 2, 3));
            default -> throw new IllegalArgumentException("unknown config '" + config + "'; known: " + THREE + ", "
                    + FIVE + ", " + JOINT);
        };
        voterIds = voters.ids().stream().mapToLong(Long::longValue).toArray();
        Map<Long, Progress> progress = new HashMap<>();
        for (long id : voterIds) {
            acked[(int) id] = 1_000;
            Progress p = new Progress(1_001, new Inflights(256, 0), false);
            p.maybeUpdate(1_000);
            progress.put(id, p);
        }
        tracker = new ProgressTracker(256, 0);
        tracker.reset(new TrackerConfig(voters, null, null, false), progress);
    }

    @Benchmark
    public long committedIndex() {
        acked[(int) nextVoter()]++;
        return voters.committedIndex(indexer);
    }

    @Benchmark
    public long trackerCommitted() {
        Progress p = tracker.get(nextVoter());
        p.maybeUpdate(p.match() + 1);
        return tracker.committed();
    }

    private long nextVoter() {
        long id = voterIds[turn];
        turn = turn + 1 == voterIds.length ? 0 : turn + 1;
        return id;
    }
}
