package org.understudy.membership.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MembershipStateMachine;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.sim.Cluster;
import org.understudy.raft.sim.SimNode;
import org.understudy.raft.sim.SimObserver;

/**
 * The membership module's deterministic test bed: raft-core's simulated {@link Cluster}, every
 * node running a {@link MembershipStateMachine} around a {@link CountingStateMachine}, and one
 * {@link SimGroup} ({@code RaftGroup}) per node.
 *
 * <p>Time is the cluster's tick round times {@link #tickMillis()}: {@link #clock()} is what the
 * membership policies get as their clock. Every method that moves the cluster ends with the cluster
 * quiet and every due future completed (see {@link #settle()}); continuations run on the test's
 * thread and may propose more.
 *
 * <p>Nodes go through founding, snapshots, snapshot installs, crashes and restarts exactly as a
 * {@code RaftNode} would (raft-core's {@code SimNode} application hook), so the registry does too.
 */
public final class SimHarness {
    private final Map<Long, SimGroup> groups = new TreeMap<>();
    private final List<Long> founders;
    private final MemberRegistry founding;
    private final long tickMillis;
    private final int electionTick;
    private final int snapshotEvery;
    private final Cluster cluster;
    private long nextReadId = 1;

    private SimHarness(Builder b) {
        this.tickMillis = b.tickMillis;
        this.snapshotEvery = b.snapshotEvery;
        List<Long> all = new ArrayList<>();
        Arrays.stream(b.voters).forEach(all::add);
        Arrays.stream(b.learners).forEach(all::add);
        this.founders = List.copyOf(all);
        ConfState conf = ConfState.newBuilder()
                .addAllVoters(Arrays.stream(b.voters).boxed().toList())
                .addAllLearners(Arrays.stream(b.learners).boxed().toList())
                .build();
        this.founding = MemberRegistry.bootstrap(conf, b.founderRecords);
        UnaryOperator<RaftConfig.Builder> tweak = b.config;
        this.electionTick = tweak.apply(RaftConfig.builder(1)).build().electionTick();
        for (long id : founders) {
            groups.put(id, new SimGroup(this, id));
        }
        this.cluster = Cluster.builder()
                .voters(b.voters)
                .learners(b.learners)
                .config(tweak)
                .snapshotEvery(snapshotEvery)
                .application(this::newStateMachine)
                .observer(new Relay())
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SimHarness}. Defaults: tick 100 ms, default RaftConfig, snapshots every 20 entries. */
    public static final class Builder {
        private long[] voters = {1, 2, 3};
        private long[] learners = {};
        private List<Member> founderRecords = List.of();
        private UnaryOperator<RaftConfig.Builder> config = c -> c;
        private int snapshotEvery = 20;
        private long tickMillis = 100;

        public Builder voters(long... ids) {
            voters = ids.clone();
            return this;
        }

        public Builder learners(long... ids) {
            learners = ids.clone();
            return this;
        }

        /** The founders' records (others get bare records). */
        public Builder founderRecords(List<Member> records) {
            founderRecords = List.copyOf(records);
            return this;
        }

        public Builder config(UnaryOperator<RaftConfig.Builder> tweak) {
            config = tweak;
            return this;
        }

        /** Each node snapshots every this many applied entries (0: only on request). */
        public Builder snapshotEvery(int entries) {
            snapshotEvery = entries;
            return this;
        }

        public Builder tickMillis(long millis) {
            tickMillis = millis;
            return this;
        }

        public SimHarness build() {
            return new SimHarness(this);
        }
    }

    /** A node's state machine for one of its lives: founders hold the founding registry. */
    private MembershipStateMachine<Long> newStateMachine(long id) {
        MembershipStateMachine<Long> sm = new MembershipStateMachine<>(new CountingStateMachine(),
                founders.contains(id) ? founding : MemberRegistry.empty());
        SimGroup g = group(id);
        sm.addListener(g::registryChanged);
        return sm;
    }

    /** Routes node events to their groups (recording only: see {@link SimGroup}). */
    private final class Relay implements SimObserver {
        @Override public void entriesWritten(SimNode node, List<Entry> entries) {}

        @Override public void applied(SimNode node, Entry entry, long digest) {
            group(node.id()).applied(entry);
        }

        @Override public void restored(SimNode node, SnapshotMetadata metadata, long digest) {
            group(node.id()).restored(metadata);
        }

        @Override public void readStates(SimNode node, List<ReadState> states) {
            group(node.id()).readStates(states);
        }

        @Override public void crashed(SimNode node) {
            group(node.id()).crashed();
        }
    }

    // ------------------------------------------------------------------ nodes

    /** The group of node {@code id} (created on first use, so a joiner's group exists before it starts). */
    public SimGroup group(long id) {
        return groups.computeIfAbsent(id, i -> new SimGroup(this, i));
    }

    /** The groups of every node that exists, by id. */
    public List<SimGroup> groups() {
        return cluster.ids().stream().map(this::group).toList();
    }

    /** The groups of the nodes that are up. */
    public List<SimGroup> running() {
        return groups().stream().filter(SimGroup::isUp).toList();
    }

    public Cluster cluster() {
        return cluster;
    }

    /** Starts a joiner (empty storage; it waits for the leader's snapshot). */
    public SimGroup startJoiner(long id) {
        cluster.startJoiner(id);
        settle();
        return group(id);
    }

    public void crash(long id) {
        cluster.crash(id);
        settle();
    }

    public void restart(long id) {
        cluster.restart(id);
        settle();
    }

    /** Removes node {@code id} for good (its address goes dead). */
    public void destroy(long id) {
        cluster.destroy(id);
        settle();
    }

    public void elect(long id) {
        cluster.elect(id);
        settle();
    }

    /** The running leader with the highest term, or 0. */
    public long leader() {
        return cluster.leader();
    }

    // ------------------------------------------------------------------ time

    public long tickMillis() {
        return tickMillis;
    }

    public int electionTick() {
        return electionTick;
    }

    public long snapshotCount() {
        return snapshotEvery;
    }

    public long round() {
        return cluster.round();
    }

    /** Simulated milliseconds: rounds × tick length. */
    public long nowMillis() {
        return cluster.round() * tickMillis;
    }

    public LongSupplier clock() {
        return this::nowMillis;
    }

    long nextReadId() {
        return nextReadId++;
    }

    /** Stabilizes and completes due futures until nothing more happens. */
    public void settle() {
        for (int guard = 0; guard < 10_000; guard++) {
            cluster.stabilize();
            boolean ran = false;
            for (SimGroup g : List.copyOf(groups.values())) {
                ran |= g.flush();
            }
            if (!ran) {
                return;
            }
        }
        throw new IllegalStateException("futures kept proposing forever: " + cluster.describe());
    }

    /** One round: every node ticks once, then {@link #settle()}. */
    public void tickAll() {
        cluster.tickAll();
        settle();
    }

    public void tickAll(int rounds) {
        for (int i = 0; i < rounds; i++) {
            tickAll();
        }
    }

    /**
     * Ticks until {@code condition} holds.
     *
     * @return the rounds it took
     * @throws AssertionError if not within {@code maxRounds}
     */
    public int runUntil(BooleanSupplier condition, int maxRounds, String what) {
        settle();
        for (int i = 0; i <= maxRounds; i++) {
            if (condition.getAsBoolean()) {
                return i;
            }
            if (i < maxRounds) {
                tickAll();
            }
        }
        throw new AssertionError("not within " + maxRounds + " rounds: " + what + "; " + cluster.describe());
    }

    /**
     * Ticks until {@code future} is done and returns its value.
     *
     * @throws CompletionException with the future's failure
     * @throws AssertionError if not done within {@code maxRounds}
     */
    public <T> T await(CompletableFuture<T> future, int maxRounds) {
        runUntil(future::isDone, maxRounds, "future done");
        return future.join();
    }
}
