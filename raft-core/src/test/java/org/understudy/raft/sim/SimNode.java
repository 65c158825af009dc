package org.understudy.raft.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.understudy.raft.core.Bootstrap;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.Ready;
import org.understudy.raft.core.confchange.ConfChangeException;
import org.understudy.raft.core.confchange.ConfChanger;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;

/**
 * One simulated member: a {@link RaftCore} with in-memory storage, a {@link SimStateMachine} and
 * the Ready handling that CORE-CONTRACT.md prescribes, split in two halves so that the simulator
 * can pipeline Readys and crash a node between writing and syncing:
 *
 * <ul>
 *   <li>{@link #beginReady()}: take a Ready, send its {@code messages()}, write its snapshot,
 *       entries and hard state to the log <em>without</em> syncing (a crash now loses them);
 *   <li>{@link #finishReady()}: for the oldest begun Ready, sync if it must, send its
 *       {@code persistedMessages()}, apply its committed entries, advance the core.
 * </ul>
 *
 * A Ready that installs a snapshot is handled atomically: every earlier Ready is finished first
 * (so the state machine is never restored under entries still to be applied), and the snapshot
 * store, the log compaction and the sync happen together.
 *
 * <p>Snapshots: every {@code snapshotEvery} applied entries the node, when idle, stores a snapshot
 * of its state machine and compacts its log to the <em>previous</em> snapshot, so a trailing
 * window of entries stays available for replication while lagging peers get snapshots.
 *
 * <p>Application: optionally a node also runs a real {@link StateMachine} beside its digest (see
 * {@link #founder(RaftConfig, Collection, Collection, int, SimObserver, Outbox, LongFunction)}), fed
 * exactly as the runtime's apply thread feeds one: {@code apply} for normal entries,
 * {@code applyConfChange} with the configuration that results at that index, and its
 * {@code snapshot}/{@code restore} bytes stored after the digest's in every snapshot, so an
 * application goes through founding, snapshots, snapshot installs and crash-restarts like in a
 * {@code RaftNode}. Each life of the node gets a fresh instance from the factory (a crash loses
 * memory), restored from the newest snapshot.
 *
 * <p>Not thread-safe: the simulator drives everything from one thread.
 */
public final class SimNode {

    /** Where a node's outgoing messages go (the simulated network). */
    @FunctionalInterface
    public interface Outbox {
        void send(SimNode from, Envelope envelope);
    }

    private final long id;
    private final RaftConfig baseConfig;
    private final int snapshotEvery;
    private final SimObserver observer;
    private final Outbox outbox;
    /** Creates this node's application for each life, or {@code null} for none. */
    private final LongFunction<? extends StateMachine<?>> applicationFactory;

    private MemoryLogStorage log;
    private MemorySnapshotStore snapshots;
    private SimStateMachine stateMachine;
    private RaftCore core;
    private int incarnation;
    private final ArrayDeque<Ready> begun = new ArrayDeque<>();
    private final TreeMap<Long, Envelope> receivedSnapshots = new TreeMap<>();
    private SnapshotMetadata newestOwnSnapshot;
    private long snapshotsInstalled;
    private long snapshotsTaken;
    private Consumer<String> tracer;
    /** The current life's application (kept after a crash until the restart replaces it), or null. */
    private StateMachine<?> application;
    /** The configuration at the application's applied index (what its next applyConfChange builds on). */
    private ConfState applicationConf = ConfState.getDefaultInstance();

    private SimNode(long id, RaftConfig config, int snapshotEvery, SimObserver observer, Outbox outbox,
            MemoryLogStorage log, MemorySnapshotStore snapshots,
            LongFunction<? extends StateMachine<?>> applicationFactory) {
        if (config.id() != id) {
            throw new IllegalArgumentException("config id " + config.id() + " != node id " + id);
        }
        this.id = id;
        this.baseConfig = config;
        this.snapshotEvery = snapshotEvery;
        this.observer = observer;
        this.outbox = outbox;
        this.log = log;
        this.snapshots = snapshots;
        this.applicationFactory = applicationFactory;
    }

    /**
     * A founding member, bootstrapped as {@link Bootstrap} describes, and started.
     *
     * @param snapshotEvery take a snapshot every this many applied entries (0: only on request)
     */
    public static SimNode founder(RaftConfig config, Collection<Long> voters, Collection<Long> learners,
            int snapshotEvery, SimObserver observer, Outbox outbox) {
        return founder(config, voters, learners, snapshotEvery, observer, outbox, null);
    }

    /**
     * A founding member running an application: like a {@code RaftNode} founding a cluster, the
     * founding snapshot holds the state of a fresh application from {@code applicationFactory}
     * (which, for a founder, should hold the founding state), and the node then starts by
     * restoring another fresh instance from that snapshot.
     *
     * @param applicationFactory creates the node's application (given the node id) for each life,
     *     or {@code null} for none
     */
    public static SimNode founder(RaftConfig config, Collection<Long> voters, Collection<Long> learners,
            int snapshotEvery, SimObserver observer, Outbox outbox,
            LongFunction<? extends StateMachine<?>> applicationFactory) {
        MemoryLogStorage log = new MemoryLogStorage();
        MemorySnapshotStore snapshots = new MemorySnapshotStore();
        SnapshotMetadata founding = Bootstrap.initialSnapshot(voters, learners);
        ByteString data = SimStateMachine.bootstrapData(founding);
        if (applicationFactory != null) {
            data = data.concat(snapshotOf(applicationFactory.apply(config.id())));
        }
        writeSnapshot(snapshots, founding, data);
        log.compactPrefix(founding);
        log.setHardState(Bootstrap.initialHardState());
        log.sync();
        SimNode node = new SimNode(config.id(), config, snapshotEvery, observer, outbox, log, snapshots,
                applicationFactory);
        node.start();
        return node;
    }

    /** A member joining an existing cluster: empty storage, started, waiting to be contacted. */
    public static SimNode joiner(RaftConfig config, int snapshotEvery, SimObserver observer, Outbox outbox) {
        return joiner(config, snapshotEvery, observer, outbox, null);
    }

    /** A joining member running an application ({@code null}: none); see {@link #founder}. */
    public static SimNode joiner(RaftConfig config, int snapshotEvery, SimObserver observer, Outbox outbox,
            LongFunction<? extends StateMachine<?>> applicationFactory) {
        SimNode node = new SimNode(config.id(), config, snapshotEvery, observer, outbox,
                new MemoryLogStorage(), new MemorySnapshotStore(), applicationFactory);
        node.start();
        return node;
    }

    // ------------------------------------------------------------------ life cycle

    /** Rebuilds the state machine from the newest snapshot and creates a fresh core over the log. */
    private void start() {
        incarnation++;
        SnapshotMetadata applied = SnapshotMetadata.getDefaultInstance();
        stateMachine = SimStateMachine.empty();
        application = applicationFactory == null ? null : applicationFactory.apply(id);
        applicationConf = ConfState.getDefaultInstance();
        var reader = snapshots.openLatest();
        if (reader.isPresent()) {
            try (SnapshotStore.Reader r = reader.get()) {
                applied = r.metadata();
                ByteString data = r.read(0, Math.toIntExact(r.size()));
                stateMachine.restore(applied, data);
                restoreApplication(applied, data);
            }
            newestOwnSnapshot = applied;
        }
        RaftConfig config = baseConfig.toBuilder()
                .randomSeed(baseConfig.randomSeed() * 1_000_003L + incarnation)
                .build();
        core = new RaftCore(config, log, applied);
        if (reader.isPresent()) {
            observer.restored(this, applied, stateMachine.digest());
        }
    }

    /**
     * Crashes the node: everything not synced is lost (the log and the snapshot store are replaced
     * by what their last sync made durable), Readys in progress are forgotten, the core is gone.
     */
    public void crash() {
        if (core == null) {
            return;
        }
        core = null;
        begun.clear();
        receivedSnapshots.clear();
        log = log.crashCopy();
        snapshots = snapshots.crashCopy();
        observer.crashed(this);
    }

    /** Restarts a crashed node from its durable state. */
    public void restart() {
        if (core != null) {
            throw new IllegalStateException("node " + id + " is running");
        }
        start();
    }

    public boolean isUp() {
        return core != null;
    }

    // ------------------------------------------------------------------ Ready handling

    /** Whether there is a Ready to take or a begun one to finish. */
    public boolean hasWork() {
        return core != null && (!begun.isEmpty() || core.hasReady());
    }

    /** How many Readys were begun and not yet finished. */
    public int begunReadys() {
        return begun.size();
    }

    /** Takes the next Ready and does its first half: send messages, write (unsynced). */
    public void beginReady() {
        Ready rd = core.ready();
        trace("begin", rd);
        if (rd.snapshot() != null) {
            finishAllBegun();
        }
        for (RaftMessage m : rd.messages()) {
            send(m);
        }
        if (rd.snapshot() != null) {
            installSnapshot(rd.snapshot());
        }
        if (!rd.entries().isEmpty()) {
            log.append(rd.entries());
            observer.entriesWritten(this, rd.entries());
        }
        if (rd.hardState() != null) {
            log.setHardState(rd.hardState());
        }
        if (rd.snapshot() != null) {
            log.sync();
        }
        begun.addLast(rd);
    }

    /** The second half of the oldest begun Ready: sync, send persisted messages, apply, advance. */
    public void finishReady() {
        Ready rd = begun.removeFirst();
        trace("finish", rd);
        if (rd.mustSync()) {
            log.sync();
        }
        for (RaftMessage m : rd.persistedMessages()) {
            send(m);
        }
        for (Entry e : rd.committedEntries()) {
            apply(e);
        }
        core.advance(rd);
        observer.inputHandled(this);
        if (!rd.readStates().isEmpty()) {
            observer.readStates(this, rd.readStates());
        }
        maybeSnapshot();
    }

    /** Finishes every begun Ready. */
    public void finishAllBegun() {
        while (!begun.isEmpty()) {
            finishReady();
        }
    }

    /** Handles Readys, unpipelined, until the core has nothing more to say. */
    public void processAll() {
        int guard = 0;
        while (hasWork()) {
            if (core.hasReady()) {
                beginReady();
            }
            finishAllBegun();
            if (++guard > 10_000) {
                throw new IllegalStateException("node " + id + " produced Readys forever");
            }
        }
    }

    private void apply(Entry e) {
        stateMachine.apply(e);
        if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
            ConfChange change;
            try {
                change = ConfChange.parseFrom(e.getData());
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("conf-change entry " + e.getIndex() + " is not a ConfChange", ex);
            }
            if (application != null) {
                // As the runtime's apply thread does: the configuration at this very index.
                try {
                    applicationConf = ConfChanger.next(applicationConf, change);
                } catch (ConfChangeException ex) {
                    throw new IllegalStateException("node " + id + ": committed conf change at " + e.getIndex()
                            + " cannot be applied to " + SimFormat.describe(applicationConf), ex);
                }
                application.applyConfChange(e.getIndex(), change, applicationConf);
            }
        } else if (application != null) {
            application.apply(e);
        }
        observer.applied(this, e, stateMachine.digest());
    }

    /** The application's snapshot bytes (empty without one). */
    private ByteString applicationSnapshot() {
        return application == null ? ByteString.EMPTY : snapshotOf(application);
    }

    private static ByteString snapshotOf(StateMachine<?> app) {
        ByteString.Output out = ByteString.newOutput();
        try {
            app.snapshot(out);
        } catch (IOException ex) {
            throw new UncheckedIOException("the application failed to write a snapshot", ex);
        }
        return out.toByteString();
    }

    /** Restores the application from the bytes after the digest's in a snapshot's data. */
    private void restoreApplication(SnapshotMetadata meta, ByteString data) {
        if (application == null) {
            return;
        }
        try {
            application.restore(data.substring(SimStateMachine.SNAPSHOT_BYTES).newInput());
        } catch (IOException ex) {
            throw new UncheckedIOException("node " + id + ": the application failed to restore the snapshot at "
                    + meta.getIndex(), ex);
        }
        applicationConf = meta.getConfState();
    }

    private void installSnapshot(SnapshotMetadata meta) {
        Envelope received = receivedSnapshots.get(meta.getIndex());
        if (received == null || !received.message().getSnapshot().equals(meta)) {
            throw new IllegalStateException("node " + id + ": Ready asks to install snapshot " + meta.getIndex()
                    + "/" + meta.getTerm() + " which was never delivered to it");
        }
        writeSnapshot(snapshots, meta, received.snapshotData());
        log.compactPrefix(meta);
        stateMachine.restore(meta, received.snapshotData());
        restoreApplication(meta, received.snapshotData());
        newestOwnSnapshot = meta;
        snapshotsInstalled++;
        receivedSnapshots.headMap(meta.getIndex(), true).clear();
        observer.restored(this, meta, stateMachine.digest());
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * Takes a snapshot if {@code snapshotEvery} entries were applied since the last one and the
     * node is idle. Only when idle: the core switches configuration as soon as it accepts a
     * snapshot, before the Ready that installs it, so only then does {@link RaftCore#confState()}
     * describe the state machine's applied index.
     */
    public void maybeSnapshot() {
        if (snapshotEvery <= 0 || core == null) {
            return;
        }
        long last = newestOwnSnapshot == null ? 0 : newestOwnSnapshot.getIndex();
        if (stateMachine.appliedIndex() - last >= snapshotEvery && isIdle()) {
            SnapshotMetadata previous = newestOwnSnapshot;
            takeSnapshot();
            if (previous != null) {
                // keep a trailing window: peers a little behind still get entries, not a snapshot
                log.compactPrefix(previous);
                snapshots.deleteOlderThan(previous.getIndex());
            }
        }
    }

    /**
     * Takes a snapshot at the applied index now and compacts the whole log to it, so that any
     * peer behind it needs a snapshot. The node must be idle (call {@link #processAll()} first).
     */
    public SnapshotMetadata compactNow() {
        if (!isIdle()) {
            throw new IllegalStateException("node " + id + " has Readys in progress");
        }
        SnapshotMetadata meta = takeSnapshot();
        log.compactPrefix(meta);
        log.sync();
        return meta;
    }

    private boolean isIdle() {
        return core != null && begun.isEmpty() && !core.hasReady();
    }

    private SnapshotMetadata takeSnapshot() {
        if (core.appliedIndex() != stateMachine.appliedIndex()) {
            throw new IllegalStateException("node " + id + ": core says applied " + core.appliedIndex()
                    + " but the state machine applied " + stateMachine.appliedIndex() + " when idle");
        }
        SnapshotMetadata meta = SnapshotMetadata.newBuilder()
                .setIndex(stateMachine.appliedIndex())
                .setTerm(stateMachine.appliedTerm())
                .setConfState(core.confState())
                .build();
        writeSnapshot(snapshots, meta, stateMachine.snapshotData().concat(applicationSnapshot()));
        newestOwnSnapshot = meta;
        snapshotsTaken++;
        if (tracer != null) {
            tracer.accept("n" + id + " takes snapshot " + meta.getIndex() + "/" + meta.getTerm() + " "
                    + SimFormat.describe(meta.getConfState()));
        }
        return meta;
    }

    private static void writeSnapshot(MemorySnapshotStore store, SnapshotMetadata meta, ByteString data) {
        SnapshotStore.Writer w = store.create(meta);
        w.write(data);
        w.commit();
    }

    // ------------------------------------------------------------------ network

    private void send(RaftMessage m) {
        if (m.getFrom() != id || m.getTo() == id || m.getTo() == 0) {
            throw new IllegalStateException("node " + id + " emitted a misaddressed message " + m.getType()
                    + " from " + m.getFrom() + " to " + m.getTo());
        }
        if (m.getType() == MessageType.MSG_SNAPSHOT) {
            // the transport sends the newest snapshot it has, with its metadata (CORE-CONTRACT.md)
            try (SnapshotStore.Reader r = snapshots.openLatest().orElseThrow(() -> new IllegalStateException(
                    "node " + id + " must send a snapshot but has none"))) {
                if (r.metadata().getIndex() < m.getSnapshot().getIndex()) {
                    throw new IllegalStateException("node " + id + " asked to send snapshot "
                            + m.getSnapshot().getIndex() + " but its newest is " + r.metadata().getIndex());
                }
                RaftMessage withNewest = m.toBuilder().setSnapshot(r.metadata()).build();
                outbox.send(this, new Envelope(withNewest, r.read(0, Math.toIntExact(r.size())), incarnation));
            }
            return;
        }
        outbox.send(this, new Envelope(m, ByteString.EMPTY, incarnation));
    }

    /** Delivers a message; a node that is down drops it. Returns whether it was stepped. */
    public boolean receive(Envelope envelope) {
        if (core == null) {
            return false;
        }
        RaftMessage m = envelope.message();
        if (m.getType() == MessageType.MSG_SNAPSHOT) {
            receivedSnapshots.put(m.getSnapshot().getIndex(), envelope);
        }
        core.step(m);
        observer.inputHandled(this);
        return true;
    }

    /** Starts an election now (a no-op on a learner), if the node is up. */
    public void campaign() {
        if (core != null) {
            core.campaign();
            observer.inputHandled(this);
        }
    }

    /** One logical clock tick, if the node is up. */
    public void tick() {
        if (core != null) {
            core.tick();
            observer.inputHandled(this);
        }
    }

    /** Sends a line per Ready handled to {@code tracer} (for replaying a failing seed), or nothing if null. */
    public void traceTo(Consumer<String> tracer) {
        this.tracer = tracer;
    }

    private void trace(String what, Ready rd) {
        if (tracer != null) {
            tracer.accept("n" + id + " " + what + " " + rd + (rd.entries().isEmpty() ? ""
                    : " ents=" + rd.entries().get(0).getIndex() + ".." + rd.entries().get(rd.entries().size() - 1).getIndex()
                            + "@t" + rd.entries().get(rd.entries().size() - 1).getTerm())
                    + (rd.committedEntries().isEmpty() ? "" : " apply=" + rd.committedEntries().get(0).getIndex() + ".."
                            + rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex()));
        }
    }

    // ------------------------------------------------------------------ accessors

    public long id() {
        return id;
    }

    /** The running core, or {@code null} while the node is down. */
    public RaftCore core() {
        return core;
    }

    public MemoryLogStorage log() {
        return log;
    }

    public MemorySnapshotStore snapshots() {
        return snapshots;
    }

    /**
     * The {@code MSG_SNAPSHOT} this node would send to {@code to} right now (its newest snapshot),
     * for tests that deliver a snapshot at a moment of their choosing.
     */
    public Envelope snapshotMessageTo(long to) {
        try (SnapshotStore.Reader r = snapshots.openLatest().orElseThrow()) {
            RaftMessage m = RaftMessage.newBuilder().setType(MessageType.MSG_SNAPSHOT).setFrom(id).setTo(to)
                    .setTerm(core.term()).setSnapshot(r.metadata()).build();
            return new Envelope(m, r.read(0, Math.toIntExact(r.size())), incarnation);
        }
    }

    public SimStateMachine stateMachine() {
        return stateMachine;
    }

    /**
     * The application of this node's current life (after a crash: of the life that crashed, until
     * the restart replaces it), or {@code null} if the node runs none.
     */
    public StateMachine<?> application() {
        return application;
    }

    public int incarnation() {
        return incarnation;
    }

    public long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    public long snapshotsTaken() {
        return snapshotsTaken;
    }

    @Override
    public String toString() {
        return "node " + id + (core == null ? " (down)" : " " + core.role() + " t" + core.term());
    }
}
