package org.understudy.raft.runtime;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.Transport;

/**
 * One member of one Raft group, running: the {@link RaftCore} wrapped in threads, storage,
 * transport and the application's {@link StateMachine} (DESIGN.md §2).
 *
 * <h2>Threads</h2>
 * All named {@code raft-<id>-<role>}:
 * <ul>
 *   <li>{@code loop}: the event loop, the only thread that touches the core ({@link EventLoop});</li>
 *   <li>{@code persist}: writes the log with group commit, one sync for many proposals
 *       ({@link PersistenceWorker});</li>
 *   <li>{@code apply}: applies committed entries to the state machine, completes futures, writes
 *       snapshots ({@link ApplyWorker});</li>
 *   <li>{@code snapshot}: streams snapshots to and from peers in chunks ({@link SnapshotTransfers});</li>
 *   <li>{@code ticker}: the logical clock and request timeouts; {@code events}: listeners and
 *       future completions that must not run on the loop ({@link Callbacks}).</li>
 * </ul>
 * No lock is held across I/O and nothing blocks the event loop: threads hand work to each other
 * through queues.
 *
 * <h2>Requests</h2>
 * Every request returns a {@link CompletableFuture} that fails with a {@link RaftException}
 * carrying a stable {@link ErrorCode}. Common to all: {@code UNAVAILABLE} when the node is not
 * running (not started, failed, closing) or its inbox of waiting requests is full (backpressure:
 * the caller should back off). Proposal results and read indexes complete on the apply thread;
 * use the {@code *Async} variants of the future's methods for anything slow, or the node's
 * applying stalls.
 *
 * <h2>Ownership</h2>
 * The node closes the {@link Transport} it was given. The {@link LogStorage} and
 * {@link SnapshotStore} stay the caller's: close them after {@link #close()} (the node may still
 * be writing until then).
 *
 * @param <R> what the state machine returns for a command
 */
public final class RaftNode<R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);
    private static final long JOIN_MILLIS = 10_000;

    private record Lifecycle(NodeHealth health, String failureReason) {}

    /** The threads and workers that {@link #start()} creates. */
    private record Workers(EventLoop<?> loop, PersistenceWorker persistence, ApplyWorker<?> applier,
            SnapshotTransfers snapshots, Thread loopThread, Thread persistThread, Thread applyThread) {}

    private final RaftNodeOptions options;
    private final long id;
    private final LogStorage logStorage;
    private final SnapshotStore snapshotStore;
    private final Transport transport;
    private final StateMachine<R> stateMachine;
    private final Inbox inbox;
    private final RequestTracker requests = new RequestTracker();
    private final Callbacks callbacks;
    private final Ticker ticker;
    private final PendingProposals<R> proposals;
    private final PendingReads reads;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(new Lifecycle(NodeHealth.NEW, ""));
    /** Serializes start() and close() with each other; never taken on the data path. */
    private final Object lifecycleLock = new Object();
    private volatile Workers workers;

    /**
     * Creates a node; nothing runs until {@link #start()}.
     *
     * @param options the node's settings; {@code options.raftConfig().id()} is its id
     * @param log this node's log (the node writes it from its persistence thread only)
     * @param snapshots this node's snapshot store
     * @param transport connects this node to its peers; the node starts and closes it
     * @param stateMachine the application's replicated store
     */
    public RaftNode(RaftNodeOptions options, LogStorage log, SnapshotStore snapshots, Transport transport,
            StateMachine<R> stateMachine) {
        this.options = Objects.requireNonNull(options, "options");
        this.logStorage = Objects.requireNonNull(log, "log");
        this.snapshotStore = Objects.requireNonNull(snapshots, "snapshots");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
        this.id = options.id();
        this.inbox = new Inbox(options.inboxCapacity());
        this.callbacks = new Callbacks(id);
        this.ticker = new Ticker(id, callbacks);
        this.proposals = new PendingProposals<>(idText(id));
        this.reads = new PendingReads(idText(id));
    }

    /** Same as the constructor. */
    public static <R> RaftNode<R> create(RaftNodeOptions options, LogStorage log, SnapshotStore snapshots,
            Transport transport, StateMachine<R> stateMachine) {
        return new RaftNode<>(options, log, snapshots, transport, stateMachine);
    }

    /**
     * Starts the node on the caller's thread: a founding member on an empty storage first writes
     * the founding snapshot and log state (with {@link RaftNodeOptions#forceNewCluster()}, the log
     * is instead rewritten so that this node is the only voter); then the state machine is restored
     * from the newest snapshot, the core is built at that snapshot, the threads start, and finally
     * the transport. Committed entries after the snapshot are re-applied by the apply thread.
     *
     * @throws IllegalStateException if already started or closed
     * @throws RaftException if {@code forceNewCluster} is refused: {@code BAD_REQUEST} on empty
     *     storage or a node that was removed, {@code UNSUPPORTED_ON_LEARNER} on a learner (the node
     *     stays unstarted and its storage untouched)
     * @throws StorageException if the storage fails while starting (the node is then unusable)
     * @throws java.io.UncheckedIOException if the state machine fails to snapshot or restore
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (lifecycle.get().health() != NodeHealth.NEW) {
                throw new IllegalStateException("node " + id + " was already started or closed: " + lifecycle.get());
            }
            SnapshotMetadata applied = NodeStartup.prepare(options, logStorage, snapshotStore, stateMachine);
            RaftCore core = new RaftCore(options.raftConfig(), logStorage, applied);

            PersistenceWorker persistence = new PersistenceWorker(id, logStorage, inbox, this::fail);
            SnapshotTransfers snapshots = new SnapshotTransfers(options, snapshotStore, transport, inbox);
            LocalSnapshots localSnapshots = new LocalSnapshots(id, snapshotStore, stateMachine, persistence,
                    options.snapshotCount(), options.entriesKeptAfterSnapshot(), applied);
            ApplyWorker<R> applier = new ApplyWorker<>(id, stateMachine, snapshotStore, proposals, reads, callbacks,
                    localSnapshots, applied, snapshots::settled, this::fail);
            EventLoop<R> loop = new EventLoop<>(id, core, inbox, transport, persistence, applier, snapshots,
                    proposals, reads, callbacks, this::fail, options.tickMillis(), options.maxApplyBacklogBytes());
            Workers w = new Workers(loop, persistence, applier, snapshots,
                    new NamedThreads(id, "loop").newThread(loop),
                    new NamedThreads(id, "persist").newThread(persistence),
                    new NamedThreads(id, "apply").newThread(applier));
            workers = w;
            lifecycle.set(new Lifecycle(NodeHealth.RUNNING, ""));
            try {
                w.persistThread().start();
                w.applyThread().start();
                w.loopThread().start();
                ticker.start(inbox, options.tickMillis());
                tellTransportRoles(applied.getConfState());
                callbacks.addConfigurationListener(this::tellTransportRoles);
                transport.start(new InboundRouter(id, inbox, snapshots, this::isRunning));
            } catch (RuntimeException e) {
                fail("starting node " + id + " failed", e);
                throw e;
            }
            log.info("node {} started at snapshot index {} (term {}), voters {}, learners {}", id,
                    applied.getIndex(), logStorage.hardState().getTerm(), applied.getConfState().getVotersList(),
                    applied.getConfState().getLearnersList());
        }
    }

    /** Lets the transport rate-limit catch-up traffic to learners (DESIGN.md §6). */
    private void tellTransportRoles(ConfState conf) {
        conf.getVotersList().forEach(v -> transport.updatePeerRole(v, false));
        conf.getVotersOutgoingList().forEach(v -> transport.updatePeerRole(v, false));
        conf.getLearnersList().forEach(l -> transport.updatePeerRole(l, true));
        conf.getLearnersNextList().forEach(l -> transport.updatePeerRole(l, true));
    }

    /** This node's id. */
    public long id() {
        return id;
    }

    public RaftNodeOptions options() {
        return options;
    }

    /**
     * Replicates {@code command} and applies it. Completes with the state machine's result on this
     * node once the entry is committed and applied here. Fails with {@code NOT_LEADER} (carrying a
     * {@linkplain RaftException#leaderHint() leader hint}) on a follower,
     * {@code UNSUPPORTED_ON_LEARNER} on a learner, and {@code UNAVAILABLE} when the leader has too
     * many uncommitted bytes, is transferring leadership, or lost the entry to a leader change (a
     * different entry was committed at its index: it was not applied and may be retried), or when
     * a snapshot replaced the state before the entry was applied here (outcome unknown).
     *
     * <p>There is no built-in timeout: an entry on a leader cut off from its quorum waits until the
     * leader steps down and a new leader overwrites it. Use {@link CompletableFuture#orTimeout}.
     */
    public CompletableFuture<R> propose(ByteString command) {
        Objects.requireNonNull(command, "command");
        if (command.size() > options.maxEntryBytes()) {
            return CompletableFuture.failedFuture(new RaftException(ErrorCode.BAD_REQUEST, "a command of "
                    + command.size() + " bytes is larger than this node's maxEntryBytes (" + options.maxEntryBytes()
                    + "); split it, or raise maxEntryBytes within the transport's frame and the log's record limits"));
        }
        return submit(future -> new LoopEvent.Propose(command, future));
    }

    /**
     * A linearizable read barrier (thesis §6.4): completes with a read index once this node's state
     * machine has applied it, so a read of the local state machine after that sees every write
     * acknowledged before this call. Works on followers (and learners, if the core allows) by
     * asking the leader. Fails with {@code NOT_LEADER} (leader hint 0) at once when this node knows
     * no leader (e.g. right after start: wait for a leader, or retry), and with {@code UNAVAILABLE}
     * when the leader refuses (it lost leadership) or no answer comes within
     * {@link RaftNodeOptions#requestTimeoutMillis()}.
     */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> future = submit(LoopEvent.ReadIndex::new);
        ticker.timeout(future, options.requestTimeoutMillis(), () -> new RaftException(ErrorCode.UNAVAILABLE,
                "node " + idText(id) + " got no read index within " + options.requestTimeoutMillis()
                        + " ms: no leader, or the leader is unreachable"));
        return future;
    }

    /**
     * Proposes a membership change (leader only). Completes with the resulting configuration once
     * the change entry is applied on this node. A joint change completes when the joint
     * configuration is ENTERED; with an automatic transition the leader then leaves it by itself
     * (watch {@link #addConfigurationListener} or {@link #status()} to see it left). Fails with
     * {@code NOT_LEADER}, {@code CONF_CHANGE_IN_PROGRESS} while an earlier change is not yet
     * applied, {@code BAD_REQUEST} when the change is invalid for the current configuration, or
     * {@code UNAVAILABLE} as for {@link #propose}. No built-in timeout, as for {@link #propose}.
     */
    public CompletableFuture<ConfState> changeMembership(ConfChange change) {
        Objects.requireNonNull(change, "change");
        return submit(future -> new LoopEvent.ChangeMembership(change, future));
    }

    /**
     * Hands leadership to voter {@code transferee} (thesis §3.10). Completes when this node sees
     * the transferee as leader. Fails with {@code NOT_LEADER} on a non-leader,
     * {@code UNSUPPORTED_ON_LEARNER} when the transferee is a learner, {@code BAD_REQUEST} for an
     * unknown node or this node itself, and {@code UNAVAILABLE} when it has not happened within
     * {@link RaftNodeOptions#requestTimeoutMillis()} (two election timeouts).
     */
    public CompletableFuture<Void> transferLeadership(long transferee) {
        CompletableFuture<Void> future = submit(f -> new LoopEvent.TransferLeadership(transferee, f));
        ticker.timeout(future, options.requestTimeoutMillis(), () -> new RaftException(ErrorCode.UNAVAILABLE,
                "leadership did not move from node " + idText(id) + " to node " + idText(transferee) + " within "
                        + options.requestTimeoutMillis() + " ms"));
        return future;
    }

    /** The node's current status; cheap, never blocks (an immutable view published by the threads). */
    public NodeStatus status() {
        Lifecycle l = lifecycle.get();
        Workers w = workers;
        CoreStatus core = w != null ? w.loop().status() : new CoreStatus(id, 0, 0, 0, Role.FOLLOWER, false, 0, 0, 0,
                ConfState.getDefaultInstance(), Map.of(), 0);
        long applied = w != null ? w.applier().appliedIndex() : 0;
        return new NodeStatus(core, applied, l.health(), l.failureReason());
    }

    /**
     * Calls {@code listener} with the new leader's id (0 when no leader is known) whenever the
     * leader this node knows of changes. Runs on the node's {@code events} thread, in order.
     */
    public void addLeaderListener(Consumer<Long> listener) {
        callbacks.addLeaderListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Calls {@code listener} with the configuration after each applied membership change and after
     * each snapshot install. Runs on the node's {@code events} thread, in order. When one batch of
     * committed entries holds several changes (a follower catching up), each is reported with the
     * configuration after the last of them.
     */
    public void addConfigurationListener(Consumer<ConfState> listener) {
        callbacks.addConfigurationListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops the node in a safe order: the ticker, the event loop, the persistence thread (after the
     * round it is writing), the apply thread (after the batch it is applying), the snapshot
     * thread; then fails every pending request with {@code UNAVAILABLE} ("shutting down"), stops
     * the callback thread and closes the transport. Storage is left open for the caller. Idempotent;
     * also the way to release a node that {@link NodeHealth#FAILED failed}.
     */
    @Override
    public void close() {
        if (lifecycle.get().health() == NodeHealth.CLOSED) {
            return; // also keeps a callback that closes the node from waiting on a closing thread
        }
        synchronized (lifecycleLock) {
            Lifecycle before = lifecycle.getAndUpdate(l -> new Lifecycle(NodeHealth.CLOSED, l.failureReason()));
            if (before.health() == NodeHealth.CLOSED) {
                return;
            }
            log.info("node {}: closing", id);
            ticker.stop();
            awaitTicker();
            Workers w = workers;
            if (w != null) {
                w.loop().stop();
                join(w.loopThread());
                w.persistence().stop();
                join(w.persistThread());
                w.applier().stop();
                join(w.applyThread());
                w.snapshots().close();
            }
            requests.failAll(new RaftException(ErrorCode.UNAVAILABLE, "node " + idText(id) + " is shutting down"));
            callbacks.close();
            try {
                transport.close();
            } catch (RuntimeException e) {
                log.warn("node {}: closing the transport failed", id, e);
            }
            log.info("node {}: closed", id);
        }
    }

    @Override
    public String toString() {
        return "RaftNode{" + id + ", " + lifecycle.get().health() + "}";
    }

    // ------------------------------------------------------------------ internals

    private boolean isRunning() {
        return lifecycle.get().health() == NodeHealth.RUNNING;
    }

    private <T> CompletableFuture<T> submit(Function<CompletableFuture<T>, LoopEvent> request) {
        CompletableFuture<T> future = requests.track(new CompletableFuture<>());
        Lifecycle l = lifecycle.get();
        if (l.health() != NodeHealth.RUNNING) {
            future.completeExceptionally(notRunning(l));
        } else if (!inbox.offerRequest(request.apply(future))) {
            future.completeExceptionally(new RaftException(ErrorCode.UNAVAILABLE,
                    "node " + idText(id) + " is overloaded: " + inbox.capacity() + " requests are already waiting",
                    Map.of("inboxCapacity", Integer.toString(inbox.capacity()))));
        }
        return future;
    }

    private RaftException notRunning(Lifecycle l) {
        String why = switch (l.health()) {
            case NEW -> "is not started";
            case FAILED -> "stopped after a failure: " + l.failureReason();
            case CLOSED -> "is shutting down";
            case RUNNING -> "is running";
        };
        return new RaftException(ErrorCode.UNAVAILABLE, "node " + idText(id) + " " + why);
    }

    /**
     * Stops the node after a failure it can't recover from; called by its threads. Every thread
     * is told to stop (none is waited for: the caller is one of them), nothing more is sent, and
     * every pending request fails. {@link #close()} still releases the threads and the transport.
     */
    private void fail(String reason, Throwable cause) {
        String why = reason + ": " + cause;
        Lifecycle l;
        do {
            l = lifecycle.get();
            if (l.health() != NodeHealth.RUNNING) {
                log.debug("node {}: ignoring a failure while {}: {}", id, l.health(), why, cause);
                return;
            }
        } while (!lifecycle.compareAndSet(l, new Lifecycle(NodeHealth.FAILED, why)));
        log.error("node {} STOPPED and acknowledges nothing more: {}", id, reason, cause);
        ticker.stop();
        Workers w = workers;
        if (w != null) {
            w.loop().stop();
            w.persistence().stop();
            w.applier().stop();
            w.snapshots().stop();
        }
        requests.failAll(new RaftException(ErrorCode.UNAVAILABLE, "node " + idText(id) + " stopped after a failure: "
                + why));
    }

    /** A node id as the errors' messages write it ({@link RaftNodeOptions#idFormat()}). */
    private String idText(long node) {
        return options.idFormat().format(node);
    }

    private void awaitTicker() {
        if (Thread.currentThread().getName().equals(NamedThreads.threadName(id, "ticker"))) {
            return;
        }
        try {
            if (!ticker.awaitStopped(JOIN_MILLIS)) {
                log.warn("node {}: the ticker did not stop within {} ms", id, JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void join(Thread t) {
        if (t == Thread.currentThread() || !t.isAlive()) {
            return; // close() called from a callback running on that very thread
        }
        try {
            t.join(JOIN_MILLIS);
            if (t.isAlive()) {
                log.warn("node {}: thread {} did not stop within {} ms", id, t.getName(), JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
