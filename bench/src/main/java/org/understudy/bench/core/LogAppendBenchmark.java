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
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * Appending to the in-memory log, two ways, {@code entries} 64-byte entries per operation:
 * <ul>
 *   <li>{@code storageAppend}: {@code MemoryLogStorage.append} of a batch of new entries, then
 *       {@code sync()} (which brings the storage's simulated durable image up to date, as the
 *       runtime's persistence thread calls it). Building the batch (one small {@code Entry} per
 *       entry around a shared payload) is inside the measured time.</li>
 *   <li>{@code coreAppend}: the same entries proposed to the {@code RaftCore} of a single voter
 *       that leads (no peers): each proposal goes into {@code RaftLog}'s unstable tail; the Ready
 *       hands them out, they are stored and synced as above, and advancing moves them to the
 *       stable log — which, the leader being the whole quorum, commits them, so the next Ready hands
 *       them out for applying. {@code RaftLog} is internal to the core, so this is the public way
 *       to drive its append path; the difference to {@code storageAppend} is the core's share.</li>
 * </ul>
 * Both logs are compacted every 10,000 entries (to the last entry for the storage alone, to the
 * applied index for the core), so a long run works on a log of bounded size. Score: operations per
 * second; entries per second is {@code score × entries}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LogAppendBenchmark {
    private static final long TERM = 1;

    @Param({"1", "64"})
    public int entries;

    private MemoryLogStorage storage;
    private CoreNode single;
    private final List<RaftMessage> out = new ArrayList<>();

    @Setup(Level.Trial)
    public void build() {
        if (entries < 1) {
            throw new IllegalArgumentException("entries must be at least 1: " + entries);
        }
        storage = new MemoryLogStorage();
        single = new CoreNode(1, List.of(1L));
        single.core.campaign(); // the only voter: it wins at once
        single.handleReadies(out);
        if (single.core.role() != Role.LEADER) {
            throw new IllegalStateException("a single voter did not become leader: " + single.core);
        }
    }

    @Benchmark
    public long storageAppend() {
        long next = storage.lastIndex() + 1;
        List<Entry> batch = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            batch.add(Entry.newBuilder().setTerm(TERM).setIndex(next + i).setType(EntryType.ENTRY_NORMAL)
                    .setData(Commands.VALUE).build());
        }
        storage.append(batch);
        storage.sync();
        long last = storage.lastIndex();
        if (last - storage.firstIndex() + 1 > CoreNode.MAX_STORED_ENTRIES) {
            storage.compactPrefix(SnapshotMetadata.newBuilder().setIndex(last).setTerm(TERM).build());
        }
        return last;
    }

    @Benchmark
    public int coreAppend() {
        for (int i = 0; i < entries; i++) {
            single.core.propose(Commands.VALUE);
        }
        out.clear();
        int committed = single.handleReadies(out);
        single.compactIfLong();
        return committed;
    }

    @TearDown(Level.Iteration)
    public void checkCommitted() {
        if (single.core.appliedIndex() != single.core.lastIndex()) {
            throw new IllegalStateException("the single voter did not commit and apply every proposal: " + single.core);
        }
    }

    /** The storage the storageAppend benchmark writes, for the smoke test. */
    MemoryLogStorage storage() {
        return storage;
    }

    /** The single voter the coreAppend benchmark drives, for the smoke test. */
    CoreNode single() {
        return single;
    }
}
