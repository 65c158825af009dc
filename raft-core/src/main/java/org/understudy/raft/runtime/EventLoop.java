package org.understudy.raft.runtime;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.Ready;
import org.understudy.raft.core.SoftState;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * The event loop ({@code raft-<id>-loop}): the single thread that owns the {@link RaftCore}.
 *
 * <p>Each round it drains a batch from the {@link Inbox} (so many proposals end up in one Ready,
 * one append and one sync), steps the core, and then takes every Ready the core has:
 * <ol>
 *   <li>its {@link Ready#messages()} are sent at once, in parallel with the local disk write
 *       (thesis §10.2.1: the leader's appends go out before its own sync; the core counts the
 *       leader in the quorum only after the sync);</li>
 *   <li>it is queued for the {@link PersistenceWorker}. The loop does not wait: it keeps stepping
 *       and taking new Readys while earlier ones are written (pipelining);</li>
 *   <li>when the persistence thread posts "persisted through #N", the Readys up to N are
 *       completed in production order: their {@link Ready#persistedMessages()} are sent, the core
 *       advances, and their committed entries, snapshot and read states go to the
 *       {@link ApplyWorker}.</li>
 * </ol>
 * A Ready with nothing to persist completes as soon as every Ready before it has.
 *
 * <p>Nothing here blocks: sends are non-blocking by the {@link Transport} contract, and the other
 * threads are fed through unbounded queues whose growth the core bounds (uncommitted bytes,
 * in-flight messages). Futures are failed through {@link Callbacks} so that no application code
 * runs on this thread. Any unexpected exception stops the node.
 *
 * @param <R> the state machine's result type
 */
final class EventLoop<R> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    /** The most inbox events stepped before the loop takes Readys again. */
    static final int MAX_BATCH = 1024;

    private record PendingTransfer(long transferee, CompletableFuture<Void> future) {}

    private final long nodeId;
    private final RaftCore core;
    private final Inbox inbox;
    private final Transport transport;
    private final PersistenceWorker persistence;
    private final ApplyWorker<R> applier;
    private final SnapshotTransfers snapshots;
    private final PendingProposals<R> proposals;
    private final PendingReads reads;
    private final Callbacks callbacks;
    private final FailureHandler failure;
    private final long idleParkNanos;

    private final ArrayDeque<Ready> inFlight = new ArrayDeque<>();
    private final List<PendingTransfer> transfers = new ArrayList<>();
    private final List<LoopEvent> batch = new ArrayList<>(MAX_BATCH);
    private long nextReadRequestId;
    private long knownLeader;
    /** Index of a received snapshot stepped in this round, to tell whether the core took it. */
    private long steppedSnapshotIndex;
    private volatile boolean running = true;
    private volatile CoreStatus published;
    private final long maxApplyBacklogBytes;

    EventLoop(long nodeId, RaftCore core, Inbox inbox, Transport transport, PersistenceWorker persistence,
            ApplyWorker<R> applier, SnapshotTransfers snapshots, PendingProposals<R> proposals, PendingReads reads,
            Callbacks callbacks, FailureHandler failure, long tickMillis, long maxApplyBacklogBytes) {
        this.nodeId = nodeId;
        this.maxApplyBacklogBytes = maxApplyBacklogBytes;
        this.core = core;
        this.inbox = inbox;
        this.transport = transport;
        this.persistence = persistence;
        this.applier = applier;
        this.snapshots = snapshots;
        this.proposals = proposals;
        this.reads = reads;
        this.callbacks = callbacks;
        this.failure = failure;
        // Idle wake-ups are only a safety net: ticks and offers unpark the loop.
        this.idleParkNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(tickMillis, 1));
        this.published = core.status();
    }

    /** The core's status after the loop's latest round. Any thread. */
    CoreStatus status() {
        return published;
    }

    /** Asks the loop to stop after its current round. */
    void stop() {
        running = false;
        inbox.wake();
    }

    @Override
    public void run() {
        try {
            while (running) {
                batch.clear();
                inbox.drainTo(batch, MAX_BATCH);
                boolean tick = inbox.takeTick();
                if (batch.isEmpty() && !tick) {
                    inbox.awaitWork(idleParkNanos);
                    continue;
                }
                for (int i = 0; i < batch.size(); ) {
                    if (!running) {
                        return;
                    }
                    i = batch.get(i) instanceof LoopEvent.Propose ? proposeRun(i) : handleAt(i);
                }
                if (tick) {
                    core.tick();
                }
                takeReadys();
                checkTransfers();
                published = core.status();
            }
        } catch (RuntimeException | Error e) {
            running = false;
            failure.fail("the event loop of node " + nodeId + " failed", e);
        }
    }

    // ------------------------------------------------------------------ inputs

    private int handleAt(int i) {
        handle(batch.get(i));
        return i + 1;
    }

    /**
     * Proposes the run of consecutive {@link LoopEvent.Propose} events that starts at {@code start}
     * in one {@link RaftCore#proposeAll} (one append per follower for the whole run, instead of one
     * per proposal), keeping their order among the other events. A proposal the core refuses gets
     * its own {@link RaftCore#propose}, which says why (or, if a smaller command still fits, takes
     * it, exactly as proposing them one by one would). Returns the index after the run.
     */
    @SuppressWarnings("unchecked")
    private int proposeRun(int start) {
        int end = start;
        while (end < batch.size() && batch.get(end) instanceof LoopEvent.Propose) {
            end++;
        }
        List<CompletableFuture<R>> futures = new ArrayList<>(end - start);
        List<ByteString> commands = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            LoopEvent.Propose p = (LoopEvent.Propose) batch.get(i);
            if (!p.future().isDone()) { // a caller that gave up (cancelled) is not proposed for
                futures.add((CompletableFuture<R>) p.future());
                commands.add(p.data());
            }
        }
        int next = 0;
        while (next < commands.size()) {
            List<EntryId> ids;
            try {
                ids = core.proposeAll(commands.subList(next, commands.size()));
            } catch (RaftException e) { // cannot propose at all: every remaining one fails alike
                for (int i = next; i < futures.size(); i++) {
                    callbacks.fail(futures.get(i), e);
                }
                break;
            }
            for (EntryId id : ids) {
                proposals.addProposal(id, futures.get(next++));
            }
            if (next < commands.size()) {
                proposeOne(commands.get(next), futures.get(next));
                next++;
            }
        }
        return end;
    }

    private void proposeOne(ByteString command, CompletableFuture<R> future) {
        try {
            proposals.addProposal(core.propose(command), future);
        } catch (RaftException e) {
            callbacks.fail(future, e);
        }
    }

    @SuppressWarnings("unchecked")
    private void handle(LoopEvent event) {
        if (event instanceof LoopEvent.PeerMessage m) {
            core.step(m.message());
        } else if (event instanceof LoopEvent.Persisted p) {
            completePersisted(p.readyNumber());
        } else if (event instanceof LoopEvent.ReadIndex r) {
            long requestId = ++nextReadRequestId;
            reads.asked(requestId, r.future());
            try {
                core.readIndex(requestId);
            } catch (RaftException e) {
                callbacks.fail(r.future(), e);
            }
        } else if (event instanceof LoopEvent.ChangeMembership c) {
            if (!c.future().isDone()) {
                try {
                    proposals.addConfChange(core.proposeConfChange(c.change()), c.future());
                } catch (RaftException e) {
                    callbacks.fail(c.future(), e);
                }
            }
        } else if (event instanceof LoopEvent.TransferLeadership t) {
            try {
                core.transferLeadership(t.transferee());
                transfers.add(new PendingTransfer(t.transferee(), t.future()));
            } catch (RaftException e) {
                callbacks.fail(t.future(), e);
            }
        } else if (event instanceof LoopEvent.Unreachable u) {
            core.reportUnreachable(u.peer());
        } else if (event instanceof LoopEvent.SnapshotReport s) {
            core.reportSnapshot(s.peer(), s.success());
        } else if (event instanceof LoopEvent.SnapshotReceived s) {
            core.step(s.message());
            steppedSnapshotIndex = s.message().getSnapshot().getIndex();
        } else {
            throw new IllegalStateException("unknown event " + event);
        }
    }

    // ------------------------------------------------------------------ Readys

    private void takeReadys() {
        long snapshotToInstall = steppedSnapshotIndex;
        steppedSnapshotIndex = 0;
        boolean snapshotTaken = false;
        // A slow state machine must not make us queue every committed entry: past the limit the
        // core keeps them until the apply thread catches up (ticks wake us to look again).
        core.setApplyPaused(applier.backlogBytes() > maxApplyBacklogBytes);
        while (running && core.hasReady()) {
            Ready ready = core.ready();
            if (ready.snapshot() != null && ready.snapshot().getIndex() == snapshotToInstall) {
                snapshotTaken = true;
            }
            if (ready.softState() != null) {
                softStateChanged(ready.softState());
            }
            send(ready.messages());
            if (ready.nothingToPersist() && inFlight.isEmpty()) {
                complete(ready);
            } else {
                inFlight.add(ready);
                if (!ready.nothingToPersist()) {
                    persistence.persist(ready);
                }
            }
        }
        if (snapshotToInstall != 0 && !snapshotTaken) {
            // The core turned the received snapshot down (stale, or from an old term): the
            // receiver may accept the next one.
            snapshots.settled(snapshotToInstall);
        }
    }

    /** Every Ready up to {@code readyNumber} is durable: complete them in production order. */
    private void completePersisted(long readyNumber) {
        while (!inFlight.isEmpty()) {
            Ready head = inFlight.peek();
            if (head.number() > readyNumber && !head.nothingToPersist()) {
                return;
            }
            complete(inFlight.poll());
        }
    }

    private void complete(Ready ready) {
        send(ready.persistedMessages());
        // A committed configuration change takes effect inside the core at advance().
        core.advance(ready);
        if (ready.snapshot() != null || !ready.committedEntries().isEmpty() || !ready.readStates().isEmpty()) {
            applier.submit(ApplyTask.of(ready.snapshot(), ready.committedEntries(), ready.readStates()));
        }
    }

    private void send(List<RaftMessage> messages) {
        for (RaftMessage m : messages) {
            if (m.getType() == MessageType.MSG_SNAPSHOT) {
                // The core names what it needs; the snapshot thread streams the newest snapshot in chunks.
                snapshots.send(m);
            } else {
                transport.send(m);
            }
        }
    }

    private void softStateChanged(SoftState soft) {
        if (soft.leaderId() != knownLeader) {
            knownLeader = soft.leaderId();
            log.info("node {}: leader is now {} (term {}, role here {})", nodeId,
                    knownLeader == 0 ? "unknown" : "node " + knownLeader, core.term(), soft.role());
            callbacks.leaderChanged(knownLeader);
        }
    }

    private void checkTransfers() {
        if (transfers.isEmpty()) {
            return;
        }
        long leader = core.leaderId();
        transfers.removeIf(t -> {
            if (t.future().isDone()) {
                return true; // timed out
            }
            if (leader == t.transferee()) {
                callbacks.complete(t.future(), null);
                return true;
            }
            return false;
        });
    }
}
