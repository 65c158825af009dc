package org.understudy.bench.core;

import java.util.List;
import org.understudy.raft.core.Bootstrap;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.Ready;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * One {@link RaftCore} of a founding voter with its {@link MemoryLogStorage}, driven on the
 * caller's thread: {@link #handleReadies} does with each {@link Ready} what the runtime does with
 * it (in the order {@link Ready} prescribes), minus threads and I/O. So a core benchmark measures
 * the consensus code and the in-memory log, nothing else.
 *
 * <p>The core has the defaults of {@link RaftConfig} (seeded by its id); no tick ever reaches it,
 * so no timer fires during a benchmark.
 */
final class CoreNode {
    /**
     * Stored entries kept before {@link #compactIfLong} compacts the log to the applied index, as the
     * runtime does after a snapshot (every 10,000 entries by default): a long benchmark then works on
     * a log of bounded size, as a node does, instead of one that grows by millions of entries.
     */
    static final long MAX_STORED_ENTRIES = 10_000;

    final long id;
    final MemoryLogStorage log = new MemoryLogStorage();
    final RaftCore core;

    /** A founding voter of a cluster of {@code voters}, on its first start (the founding snapshot written, term 1). */
    CoreNode(long id, List<Long> voters) {
        this.id = id;
        SnapshotMetadata founding = Bootstrap.initialSnapshot(voters, List.of());
        log.compactPrefix(founding);
        log.setHardState(Bootstrap.initialHardState());
        log.sync();
        this.core = new RaftCore(RaftConfig.builder(id).build(), log, founding);
    }

    /**
     * Handles every Ready the core has: messages to send go to {@code out} (those allowed before the
     * write first, then those that wait for it), entries and hard state are written to the log and
     * synced when the Ready says so, committed entries are counted as applied, and the Ready is
     * advanced.
     *
     * @return the number of committed entries handed out (to be applied)
     */
    int handleReadies(List<RaftMessage> out) {
        int committed = 0;
        while (core.hasReady()) {
            Ready rd = core.ready();
            out.addAll(rd.messages());
            if (rd.snapshot() != null) {
                throw new IllegalStateException("node " + id + " was sent a snapshot; the core benchmarks never compact "
                        + "past a peer");
            }
            log.append(rd.entries());
            if (rd.hardState() != null) {
                log.setHardState(rd.hardState());
            }
            if (rd.mustSync()) {
                log.sync();
            }
            out.addAll(rd.persistedMessages());
            committed += rd.committedEntries().size();
            core.advance(rd);
        }
        return committed;
    }

    /** Compacts the stored log up to the applied index once it holds more than {@link #MAX_STORED_ENTRIES}. */
    void compactIfLong() {
        long applied = core.appliedIndex();
        if (applied - log.firstIndex() + 1 <= MAX_STORED_ENTRIES) {
            return;
        }
        log.compactPrefix(SnapshotMetadata.newBuilder()
                .setIndex(applied)
                .setTerm(log.term(applied))
                .setConfState(core.confState())
                .build());
    }
}
