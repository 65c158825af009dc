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
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;

/**
 * A follower's consensus work per replication round, with no I/O and no threads: a
 * {@code RaftCore} following a leader (elected for real in a {@link CoreGroup}; afterwards the
 * leader's appends are written here, as a transport would deliver them).
 *
 * <p>One operation = one round: step one {@code MSG_APPEND} carrying {@code entries} new 64-byte
 * entries after the follower's last one, with the leader's commit index at the follower's previous
 * last entry (the leader commits a round once a quorum acknowledged it, so a follower learns of it
 * with the next append); handle the Ready (entries checked against the log and appended to its
 * unstable tail, stored in the {@code MemoryLogStorage} and synced, the acknowledgement out, the
 * newly committed entries out). Building the append message (one small {@code Entry} per entry
 * around a shared payload) is inside the measured time, as parsing it would be in a node. The
 * stored log is compacted to the applied index every 10,000 entries.
 *
 * <p>Score: rounds per second; entries per second is {@code score × entries}. The iteration
 * teardown checks that the follower kept up (still following in the same term, holding every
 * entry sent).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FollowerCoreBenchmark {
    private static final long FOLLOWER = 2;

    @Param({"1", "64"})
    public int entries;

    private CoreNode follower;
    private long term;
    private long sent;
    private final List<RaftMessage> out = new ArrayList<>();

    @Setup(Level.Trial)
    public void elect() {
        if (entries < 1) {
            throw new IllegalArgumentException("entries must be at least 1: " + entries);
        }
        follower = CoreGroup.elected(3).node(FOLLOWER);
        term = follower.core.term();
        sent = follower.core.lastIndex();
    }

    @Benchmark
    public int round() {
        long prev = follower.core.lastIndex();
        RaftMessage.Builder append = RaftMessage.newBuilder()
                .setType(MessageType.MSG_APPEND)
                .setFrom(CoreGroup.LEADER)
                .setTo(follower.id)
                .setTerm(term)
                .setIndex(prev)
                .setLogTerm(term)
                .setCommit(prev);
        for (int i = 1; i <= entries; i++) {
            append.addEntries(Entry.newBuilder().setTerm(term).setIndex(prev + i).setType(EntryType.ENTRY_NORMAL)
                    .setData(Commands.VALUE));
        }
        sent = prev + entries;
        follower.core.step(append.build());
        out.clear();
        int committed = follower.handleReadies(out);
        follower.compactIfLong();
        return out.size() + committed;
    }

    @TearDown(Level.Iteration)
    public void checkKeptUp() {
        if (follower.core.role() != Role.FOLLOWER || follower.core.term() != term
                || follower.core.leaderId() != CoreGroup.LEADER || follower.core.lastIndex() != sent
                || follower.log.lastIndex() != sent) {
            throw new IllegalStateException("the follower did not take every append (sent up to " + sent + "): "
                    + follower.core);
        }
    }

    /** The follower's core, for the smoke test. */
    CoreNode follower() {
        return follower;
    }
}
