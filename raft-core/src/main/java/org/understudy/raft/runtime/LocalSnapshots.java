package org.understudy.raft.runtime;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;

/**
 * Decides when the apply thread writes a snapshot of the state machine, writes it, and picks how
 * far the log may then be compacted. Apply thread only.
 *
 * <p>Compaction targets are always snapshot points (the founding or restored snapshot, or one
 * written here), because a compaction point needs exact metadata: index, term and the
 * configuration in force there. The log is compacted to the newest point at or below
 * {@code newSnapshot - entriesKept}, leaving a trailing window of entries from which slow
 * followers can still catch up without a snapshot transfer.
 */
final class LocalSnapshots {
    private static final Logger log = LoggerFactory.getLogger(LocalSnapshots.class);

    private final long nodeId;
    private final SnapshotStore store;
    private final StateMachine<?> stateMachine;
    private final PersistenceWorker persistence;
    private final long snapshotCount;
    private final long entriesKept;
    /** Snapshot points not yet compacted away, oldest first. */
    private final Deque<SnapshotMetadata> points = new ArrayDeque<>();
    private long appliedSinceSnapshot;

    LocalSnapshots(long nodeId, SnapshotStore store, StateMachine<?> stateMachine, PersistenceWorker persistence,
            long snapshotCount, long entriesKept, SnapshotMetadata start) {
        this.nodeId = nodeId;
        this.store = store;
        this.stateMachine = stateMachine;
        this.persistence = persistence;
        this.snapshotCount = snapshotCount;
        this.entriesKept = entriesKept;
        if (start.getIndex() > 0) {
            points.add(start);
        }
    }

    /** Counts applied entries. */
    void applied(int entries) {
        appliedSinceSnapshot += entries;
    }

    /** The state machine was replaced by a snapshot: it becomes the only compaction point. */
    void restored(SnapshotMetadata snapshot) {
        points.clear();
        points.add(snapshot);
        appliedSinceSnapshot = 0;
    }

    /** Whether enough entries were applied since the last snapshot to write a new one. */
    boolean due() {
        return appliedSinceSnapshot >= snapshotCount;
    }

    /**
     * Writes a snapshot of the state machine as of {@code at} (the last applied entry), then asks
     * the persistence thread to compact the log. A failure to write is logged and retried after
     * the next {@code snapshotCount} entries: the node is still correct, only its log grows.
     */
    void take(SnapshotMetadata at) {
        appliedSinceSnapshot = 0;
        try (SnapshotStore.Writer writer = store.create(at)) {
            stateMachine.snapshot(writer.asOutputStream());
            writer.commit();
        } catch (IOException | RuntimeException e) {
            log.error("node {}: writing the snapshot at index {} failed; the log is not compacted", nodeId,
                    at.getIndex(), e);
            return;
        }
        store.deleteOlderThan(at.getIndex());
        points.add(at);
        SnapshotMetadata target = compactionTarget(at.getIndex() - entriesKept);
        log.debug("node {}: snapshot at index {} term {}; compacting the log to {}", nodeId, at.getIndex(),
                at.getTerm(), target == null ? "nothing" : target.getIndex());
        if (target != null) {
            persistence.compact(target);
        }
    }

    /** The newest point at or below {@code limit}; older points are dropped. */
    private SnapshotMetadata compactionTarget(long limit) {
        SnapshotMetadata target = null;
        for (SnapshotMetadata p : points) {
            if (p.getIndex() <= limit) {
                target = p;
            }
        }
        if (target != null) {
            for (Iterator<SnapshotMetadata> it = points.iterator(); it.hasNext(); ) {
                if (it.next().getIndex() < target.getIndex()) {
                    it.remove();
                }
            }
        }
        return target;
    }
}
