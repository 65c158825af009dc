package org.understudy.membership.sim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MembershipStateMachine;
import org.understudy.membership.spi.GroupStatus;
import org.understudy.membership.spi.RaftGroup;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.sim.SimNode;

/**
 * A {@link RaftGroup} over one node of a {@link SimHarness}: the simulator's core, its
 * {@link MembershipStateMachine} (a fresh one per life of the node, restored from snapshots like
 * in a {@code RaftNode}) and futures that complete as the simulated rounds run.
 *
 * <p>Events from the node (entries applied, read states, snapshots restored, crashes) arrive while
 * the node is in the middle of handling a Ready, so they are only recorded there; the futures and
 * registry listeners run in {@link #flush}, which the harness calls once the cluster is quiet. So a
 * continuation may call back into the group (propose the next change) safely, exactly as on a real
 * node where futures complete on another thread than the core's.
 *
 * <p>Like {@code RaftNode}: a change completes when applied on this node, fails with
 * {@code UNAVAILABLE} when another entry was committed at its index (lost to a leader change), when
 * a snapshot replaced the state first (outcome unknown) or when the node crashes; read indexes and
 * transfers fail with {@code UNAVAILABLE} after two election timeouts.
 */
public final class SimGroup implements RaftGroup {
    private record PendingChange(EntryId entry, CompletableFuture<ConfState> future) {}

    private static final class PendingRead {
        final long deadlineRound;
        final CompletableFuture<Long> future = new CompletableFuture<>();
        long index; // 0 until the leader answered

        PendingRead(long deadlineRound) {
            this.deadlineRound = deadlineRound;
        }
    }

    private record PendingTransfer(long transferee, long deadlineRound, CompletableFuture<Void> future) {}

    private final SimHarness harness;
    private final long id;
    private final List<PendingChange> changes = new ArrayList<>();
    private final Map<Long, PendingRead> reads = new LinkedHashMap<>();
    private final List<PendingTransfer> transfers = new ArrayList<>();
    /** Completions and notifications recorded during Ready handling, run by {@link #flush}. */
    private final List<Runnable> deferred = new ArrayList<>();
    private final List<Consumer<MemberRegistry>> listeners = new CopyOnWriteArrayList<>();

    SimGroup(SimHarness harness, long id) {
        this.harness = harness;
        this.id = id;
    }

    // ------------------------------------------------------------------ RaftGroup

    @Override
    public long id() {
        return id;
    }

    @Override
    public GroupStatus status() {
        SimNode n = node();
        if (n == null || !n.isUp()) {
            return new GroupStatus(new CoreStatus(id, 0, 0, 0, Role.FOLLOWER, false, 0, 0, 0,
                    registry().confState(), Map.of(), 0), n == null ? 0 : n.stateMachine().appliedIndex(), false);
        }
        return new GroupStatus(n.core().status(), n.stateMachine().appliedIndex(), true);
    }

    @Override
    public CompletableFuture<ConfState> changeMembership(ConfChange change) {
        SimNode n = node();
        if (n == null || !n.isUp()) {
            return CompletableFuture.failedFuture(down());
        }
        try {
            EntryId entry = n.core().proposeConfChange(change);
            CompletableFuture<ConfState> f = new CompletableFuture<>();
            changes.add(new PendingChange(entry, f));
            return f;
        } catch (RaftException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> transferLeadership(long transferee) {
        SimNode n = node();
        if (n == null || !n.isUp()) {
            return CompletableFuture.failedFuture(down());
        }
        try {
            n.core().transferLeadership(transferee);
        } catch (RaftException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        transfers.add(new PendingTransfer(transferee, harness.round() + requestTimeoutRounds(), f));
        return f;
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        SimNode n = node();
        if (n == null || !n.isUp()) {
            return CompletableFuture.failedFuture(down());
        }
        long requestId = harness.nextReadId();
        PendingRead read = new PendingRead(harness.round() + requestTimeoutRounds());
        try {
            harness.cluster().readIndex(id, requestId);
        } catch (RaftException e) {
            return CompletableFuture.failedFuture(e);
        }
        reads.put(requestId, read);
        return read.future;
    }

    @Override
    public long electionTimeoutMillis() {
        return harness.electionTick() * harness.tickMillis();
    }

    @Override
    public long snapshotCount() {
        return harness.snapshotCount();
    }

    @Override
    public MemberRegistry registry() {
        MembershipStateMachine<?> sm = stateMachine();
        return sm == null ? MemberRegistry.empty() : sm.registry();
    }

    @Override
    public void addRegistryListener(Consumer<MemberRegistry> listener) {
        listeners.add(listener);
    }

    // ------------------------------------------------------------------ simulator side

    /** The node, or null if it does not exist (yet, or any more). */
    public SimNode node() {
        return harness.cluster() == null || !harness.cluster().ids().contains(id) ? null : harness.cluster().node(id);
    }

    /** The membership state machine of the node's current (or last) life. */
    public MembershipStateMachine<?> stateMachine() {
        SimNode n = node();
        return n == null ? null : (MembershipStateMachine<?>) n.application();
    }

    /** The user's state machine of the node's current (or last) life. */
    public CountingStateMachine user() {
        MembershipStateMachine<?> sm = stateMachine();
        return sm == null ? null : (CountingStateMachine) sm.user();
    }

    public boolean isUp() {
        SimNode n = node();
        return n != null && n.isUp();
    }

    /** Called by the node's membership state machine (apply path): queue the listeners' call. */
    void registryChanged(MemberRegistry registry) {
        deferred.add(() -> {
            for (Consumer<MemberRegistry> l : listeners) {
                l.accept(registry);
            }
        });
    }

    void applied(Entry entry) {
        for (Iterator<PendingChange> it = changes.iterator(); it.hasNext(); ) {
            PendingChange p = it.next();
            if (p.entry().index() != entry.getIndex()) {
                continue;
            }
            it.remove();
            if (p.entry().term() == entry.getTerm()) {
                ConfState result = registry().confState();
                deferred.add(() -> p.future().complete(result));
            } else {
                RaftException e = new RaftException(ErrorCode.UNAVAILABLE, "the configuration change proposed at index "
                        + entry.getIndex() + " term " + p.entry().term() + " was lost to a leader change (term "
                        + entry.getTerm() + " committed there); it was not applied and may be retried");
                deferred.add(() -> p.future().completeExceptionally(e));
            }
        }
    }

    void restored(SnapshotMetadata meta) {
        for (Iterator<PendingChange> it = changes.iterator(); it.hasNext(); ) {
            PendingChange p = it.next();
            if (p.entry().index() <= meta.getIndex()) {
                it.remove();
                RaftException e = new RaftException(ErrorCode.UNAVAILABLE, "a snapshot at index " + meta.getIndex()
                        + " replaced node " + id + "'s state before the change at " + p.entry().index()
                        + " was applied here; its outcome is unknown");
                deferred.add(() -> p.future().completeExceptionally(e));
            }
        }
    }

    void readStates(List<ReadState> states) {
        for (ReadState s : states) {
            PendingRead r = reads.get(s.requestId());
            if (r == null) {
                continue;
            }
            if (s.refused()) {
                reads.remove(s.requestId());
                RaftException e = new RaftException(ErrorCode.UNAVAILABLE, "node " + id + "'s read index was refused");
                deferred.add(() -> r.future.completeExceptionally(e));
            } else {
                r.index = s.index();
            }
        }
    }

    void crashed() {
        RaftException e = new RaftException(ErrorCode.UNAVAILABLE, "node " + id + " crashed");
        changes.forEach(p -> deferred.add(() -> p.future().completeExceptionally(e)));
        reads.values().forEach(r -> deferred.add(() -> r.future.completeExceptionally(e)));
        transfers.forEach(t -> deferred.add(() -> t.future().completeExceptionally(e)));
        changes.clear();
        reads.clear();
        transfers.clear();
    }

    /**
     * Completes what is due: reads applied here, transfers seen done, timeouts; then runs the
     * recorded completions and listener calls, in order. The cluster must be quiet.
     *
     * @return whether anything ran (a continuation may have proposed something)
     */
    boolean flush() {
        long round = harness.round();
        SimNode n = node();
        long applied = n == null ? 0 : n.stateMachine().appliedIndex();
        for (Iterator<Map.Entry<Long, PendingRead>> it = reads.entrySet().iterator(); it.hasNext(); ) {
            PendingRead r = it.next().getValue();
            if (r.index > 0 && applied >= r.index) {
                it.remove();
                long index = r.index;
                deferred.add(() -> r.future.complete(index));
            } else if (round > r.deadlineRound) {
                it.remove();
                RaftException e = new RaftException(ErrorCode.UNAVAILABLE, "node " + id + " got no read index within "
                        + requestTimeoutRounds() + " ticks: no leader, or the leader is unreachable");
                deferred.add(() -> r.future.completeExceptionally(e));
            }
        }
        for (Iterator<PendingTransfer> it = transfers.iterator(); it.hasNext(); ) {
            PendingTransfer t = it.next();
            if (n != null && n.isUp() && n.core().leaderId() == t.transferee()) {
                it.remove();
                deferred.add(() -> t.future().complete(null));
            } else if (round > t.deadlineRound()) {
                it.remove();
                RaftException e = new RaftException(ErrorCode.UNAVAILABLE, "leadership did not move from node " + id
                        + " to node " + t.transferee() + " within " + requestTimeoutRounds() + " ticks");
                deferred.add(() -> t.future().completeExceptionally(e));
            }
        }
        if (deferred.isEmpty()) {
            return false;
        }
        List<Runnable> run = new ArrayList<>(deferred);
        deferred.clear();
        run.forEach(Runnable::run);
        return true;
    }

    private long requestTimeoutRounds() {
        return 2L * harness.electionTick();
    }

    private RaftException down() {
        return new RaftException(ErrorCode.UNAVAILABLE, "node " + id + " is down");
    }

    @Override
    public String toString() {
        return "SimGroup{" + id + ", " + registry() + "}";
    }
}
