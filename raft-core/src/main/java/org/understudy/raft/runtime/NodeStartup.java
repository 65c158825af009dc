package org.understudy.raft.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.core.Bootstrap;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;

/**
 * What a {@link RaftNode} does on its caller's thread before any of its own threads run: found
 * the cluster if this is a founding member's first start (or, with
 * {@link RaftNodeOptions#forceNewCluster()}, rewrite the log so that this node is the only voter),
 * then restore the state machine from the newest snapshot. The result is the {@code applied}
 * metadata the core is built with.
 */
final class NodeStartup {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStartup.class);

    private NodeStartup() {}

    /**
     * @return the metadata of the snapshot the state machine now holds, or the default instance
     *     (index 0) for a joiner that has nothing yet
     * @throws UncheckedIOException if the state machine fails to write or read a snapshot
     * @throws org.understudy.raft.RaftException if {@code forceNewCluster} is refused (see
     *     {@link ForceNewClusterStartup#rewrite})
     */
    static <R> SnapshotMetadata prepare(RaftNodeOptions options, LogStorage log, SnapshotStore snapshots,
            StateMachine<R> stateMachine) {
        if (options.forceNewCluster()) {
            // Before founding: an empty storage has nothing to recover, whatever the start mode.
            ForceNewClusterStartup.rewrite(options.id(), options.idFormat(), log, snapshots);
        } else if (options.startMode() instanceof StartMode.Found founding && isPristine(log)) {
            found(options.id(), founding, log, snapshots, stateMachine);
        }
        Optional<SnapshotStore.Reader> latest = snapshots.openLatest();
        if (latest.isEmpty()) {
            LOG.info("node {}: starting empty, waiting to be added to a cluster", options.id());
            return SnapshotMetadata.getDefaultInstance();
        }
        try (SnapshotStore.Reader reader = latest.get()) {
            stateMachine.restore(reader.asInputStream());
            LOG.info("node {}: restored the state machine from the snapshot at index {} term {}",
                    options.id(), reader.metadata().getIndex(), reader.metadata().getTerm());
            return reader.metadata();
        } catch (IOException e) {
            throw new UncheckedIOException("node " + options.id() + ": restoring the state machine failed", e);
        }
    }

    /** A log that was never written: no entries, never compacted, no hard state. */
    static boolean isPristine(LogStorage log) {
        return log.lastIndex() == 0
                && log.compactedTo().getIndex() == 0
                && log.hardState().equals(HardState.getDefaultInstance());
    }

    /**
     * Writes the founding snapshot (the state machine's empty state with the founding
     * configuration), then compacts the log to it and persists the initial hard state. The
     * snapshot is committed first, so a crash in between leaves a pristine log with the founding
     * snapshot, and the next start simply finishes the job.
     */
    private static <R> void found(long id, StartMode.Found founding, LogStorage log, SnapshotStore snapshots,
            StateMachine<R> stateMachine) {
        SnapshotMetadata initial = Bootstrap.initialSnapshot(founding.voters(), founding.learners());
        Optional<SnapshotMetadata> existing = snapshots.latest();
        if (existing.isEmpty()) {
            try (SnapshotStore.Writer writer = snapshots.create(initial)) {
                stateMachine.snapshot(writer.asOutputStream());
                writer.commit();
            } catch (IOException e) {
                throw new UncheckedIOException("node " + id + ": writing the founding snapshot failed", e);
            }
        } else if (existing.get().getIndex() != Bootstrap.INITIAL_INDEX) {
            throw new IllegalStateException("node " + id + ": the log is empty but the snapshot store holds a "
                    + "snapshot at index " + existing.get().getIndex() + "; refusing to found a cluster on it");
        }
        log.compactPrefix(initial);
        log.setHardState(Bootstrap.initialHardState());
        log.sync();
        LOG.info("node {}: founded a cluster with voters {} and learners {}", id,
                founding.voters(), founding.learners());
    }
}
