package org.understudy.bench.core;

import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;

/**
 * The leader's consensus work per replication round, with no I/O and no threads: a
 * {@code RaftCore} leading two followers (elected for real in a {@link CoreGroup}; afterwards the
 * followers' answers are written here, as a transport would deliver them).
 *
 * <p>One operation = one round: propose {@code entries} commands of 64 B (each appended to the
 * log's unstable tail and broadcast: the core makes one append message per proposal per follower);
 * handle the Ready (appends out, entries stored in the {@code MemoryLogStorage} and synced, the
 * leader counting itself once they are); step one {@code MSG_APPEND_RESP} from each follower
 * acknowledging the new last index; handle the Ready that follows (the commit: committed entries
 * out, appends carrying the new commit index to both followers). The stored log is compacted to
 * the applied index every 10,000 entries, as the runtime's snapshots do.
 *
 * <p>Score: rounds per second; commands per second is {@code score × entries}. The iteration
 * teardown checks that every proposed entry committed, so acknowledgements the core ignored would
 * fail the run rather than measure nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LeaderCoreBenchmark {

    @Param({"1", "64"})
    public int entries;

    private CoreNode leader;
    private long term;
    private final List<RaftMessage> out = new ArrayList<>();

    @Setup(Level.Trial)
    public void elect() {
        if (entries < 1) {
            throw new IllegalArgumentException("entries must be at least 1: " + entries);
        }
        leader = CoreGroup.elected(3).node(CoreGroup.LEADER);
        term = leader.core.term();
    }

    @Benchmark
    public int round() {
        for (int i = 0; i < entries; i++) {
            leader.core.propose(Commands.VALUE);
        }
        out.clear();
        leader.handleReadies(out);
        long last = leader.core.lastIndex();
        leader.core.step(ack(2, last));
        leader.core.step(ack(3, last));
        int committed = leader.handleReadies(out);
        leader.compactIfLong();
        return out.size() + committed;
    }

    /** A follower's acknowledgement of everything up to {@code index}, as it sends it once that is durable. */
    private RaftMessage ack(long follower, long index) {
        return RaftMessage.newBuilder()
                .setType(MessageType.MSG_APPEND_RESP)
                .setFrom(follower)
                .setTo(leader.id)
                .setTerm(term)
                .setIndex(index)
                .build();
    }

    @TearDown(Level.Iteration)
    public void checkEverythingCommitted() {
        if (leader.core.role() != Role.LEADER || leader.core.term() != term
                || leader.core.commitIndex() != leader.core.lastIndex()
                || leader.core.appliedIndex() != leader.core.lastIndex()) {
            throw new IllegalStateException("the rounds did not commit and apply every entry: " + leader.core);
        }
    }

    /** The leader's core, for the smoke test. */
    CoreNode leader() {
        return leader;
    }
}
