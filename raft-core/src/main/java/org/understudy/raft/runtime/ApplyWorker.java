package org.understudy.raft.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.core.confchange.ConfChangeException;
import org.understudy.raft.core.confchange.ConfChanger;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;

/**
 * The apply thread ({@code raft-<id>-apply}): the only caller of the {@link StateMachine}. It
 * restores received snapshots, applies committed entries in order, completes the proposers'
 * futures, serves read indexes once applied, tells listeners about configuration changes, and
 * every {@code snapshotCount} entries writes a snapshot (see {@link LocalSnapshots}).
 *
 * <p>It runs behind the event loop, which never waits for it. A state machine that throws, or a
 * snapshot that can't be restored, stops the node: skipping an entry would make this replica
 * diverge from the others.
 *
 * @param <R> the state machine's result type
 */
final class ApplyWorker<R> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ApplyWorker.class);
    private static final ApplyTask STOP = new ApplyTask(null, List.of(), List.of(), 0);

    private final long nodeId;
    private final StateMachine<R> stateMachine;
    private final SnapshotStore snapshots;
    private final PendingProposals<R> proposals;
    private final PendingReads reads;
    private final Callbacks callbacks;
    private final LocalSnapshots localSnapshots;
    private final LongConsumer snapshotInstalled;
    private final FailureHandler failure;
    private final BlockingQueue<ApplyTask> queue = new LinkedBlockingQueue<>();
    /** Bounded by the event loop, which stops taking committed entries past a limit. */
    private final java.util.concurrent.atomic.AtomicLong backlogBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    // Apply thread only, except appliedIndex which status() reads.
    private volatile long appliedIndex;
    private long appliedTerm;
    private ConfState confState;

    /**
     * @param start the snapshot the state machine was restored from (index 0 for a new joiner)
     * @param snapshotInstalled told the index of each received snapshot once restored
     */
    ApplyWorker(long nodeId, StateMachine<R> stateMachine, SnapshotStore snapshots, PendingProposals<R> proposals,
            PendingReads reads, Callbacks callbacks, LocalSnapshots localSnapshots, SnapshotMetadata start,
            LongConsumer snapshotInstalled, FailureHandler failure) {
        this.nodeId = nodeId;
        this.stateMachine = stateMachine;
        this.snapshots = snapshots;
        this.proposals = proposals;
        this.reads = reads;
        this.callbacks = callbacks;
        this.localSnapshots = localSnapshots;
        this.snapshotInstalled = snapshotInstalled;
        this.failure = failure;
        this.appliedIndex = start.getIndex();
        this.appliedTerm = start.getTerm();
        this.confState = start.getConfState();
        proposals.startAt(start.getTerm());
    }

    /** Queues work. Never blocks. */
    void submit(ApplyTask task) {
        backlogBytes.addAndGet(task.bytes());
        queue.add(task);
    }

    /** Bytes of committed entries handed over and not yet applied. Any thread. */
    long backlogBytes() {
        return backlogBytes.get();
    }

    /** The last index applied to the state machine. Any thread. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** Stops after the current task; queued tasks are not applied. */
    void stop() {
        running = false;
        queue.add(STOP);
    }

    @Override
    public void run() {
        try {
            while (running) {
                ApplyTask task = queue.take();
                if (task == STOP || !running) {
                    return;
                }
                handle(task);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            running = false;
            failure.fail("the apply thread of node " + nodeId + " failed at index " + (appliedIndex + 1), e);
        }
    }

    private void handle(ApplyTask task) throws IOException {
        if (task.snapshot() != null) {
            restore(task.snapshot());
        }
        for (Entry entry : task.entries()) {
            apply(entry);
        }
        backlogBytes.addAndGet(-task.bytes());
        localSnapshots.applied(task.entries().size());
        for (ReadState rs : task.readStates()) {
            reads.answered(rs, appliedIndex);
        }
        reads.applied(appliedIndex);
        if (localSnapshots.due()) {
            localSnapshots.take(SnapshotMetadata.newBuilder()
                    .setIndex(appliedIndex).setTerm(appliedTerm).setConfState(confState).build());
        }
    }

    private void apply(Entry entry) throws InvalidProtocolBufferException {
        long index = entry.getIndex();
        if (index <= appliedIndex) {
            log.debug("node {}: skipping entry {} at or below the applied index {}", nodeId, index, appliedIndex);
            return;
        }
        if (index != appliedIndex + 1) {
            throw new IllegalStateException("node " + nodeId + ": committed entry " + index
                    + " does not follow the applied index " + appliedIndex);
        }
        if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
            ConfChange change = ConfChange.parseFrom(entry.getData());
            // Computed here, entry by entry, exactly as the core does when it applies the change:
            // the configuration at this index, whatever the core has moved on to since.
            ConfState result;
            try {
                result = ConfChanger.next(confState, change);
            } catch (ConfChangeException e) {
                throw new IllegalStateException("node " + nodeId + ": committed configuration change at index "
                        + index + " cannot be applied to " + confState, e);
            }
            confState = result;
            stateMachine.applyConfChange(index, change, result);
            appliedTo(entry);
            proposals.appliedConfChange(entry, result);
            callbacks.configurationChanged(result);
        } else {
            R result = stateMachine.apply(entry);
            appliedTo(entry);
            proposals.appliedNormal(entry, result);
        }
    }

    private void appliedTo(Entry entry) {
        appliedTerm = entry.getTerm();
        appliedIndex = entry.getIndex();
    }

    private void restore(SnapshotMetadata expected) throws IOException {
        try (SnapshotStore.Reader reader = snapshots.openLatest().orElseThrow(() -> new IllegalStateException(
                "node " + nodeId + ": no snapshot in the store to restore index " + expected.getIndex()))) {
            if (reader.metadata().getIndex() != expected.getIndex()) {
                throw new IllegalStateException("node " + nodeId + ": the newest snapshot is at index "
                        + reader.metadata().getIndex() + ", expected the received one at " + expected.getIndex());
            }
            stateMachine.restore(reader.asInputStream());
        }
        log.info("node {}: restored the state machine from the snapshot at index {} term {}", nodeId,
                expected.getIndex(), expected.getTerm());
        appliedIndex = expected.getIndex();
        appliedTerm = expected.getTerm();
        confState = expected.getConfState();
        proposals.supersededUpTo(expected.getIndex(), expected.getTerm());
        localSnapshots.restored(expected);
        snapshotInstalled.accept(expected.getIndex());
        callbacks.configurationChanged(confState);
    }
}
