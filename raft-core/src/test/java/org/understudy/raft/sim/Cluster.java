package org.understudy.raft.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.StateMachine;

import com.google.protobuf.ByteString;

/**
 * A small synchronous cluster for scenario tests: messages are delivered in FIFO order until the
 * cluster is quiet, time moves only when the test ticks, and the test decides which nodes can talk
 * (partitions, drop rules) and which exist at all (an id with no node is a "dead address": its
 * messages go nowhere). Every round is checked by a {@link SafetyChecker}, so each scenario also
 * checks Raft's safety properties for free.
 *
 * <p>Not a simulator of timing: in one {@link #tickAll()} every node ticks once and then every
 * consequence is delivered before the next tick, which is what lets scenarios state exact
 * expectations such as "no election happened".
 */
public final class Cluster {

    /** A message as it left a node, with the tick round it left in. */
    public record Sent(long round, RaftMessage message) {}

    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private final ArrayDeque<Envelope> wire = new ArrayDeque<>();
    private final Map<Long, Integer> sides = new HashMap<>();
    private final java.util.Set<Long> held = new java.util.HashSet<>();
    private final List<Predicate<RaftMessage>> dropRules = new ArrayList<>();
    private final java.util.Set<Long> slowSnapshots = new java.util.HashSet<>();
    private final List<Envelope> parkedSnapshots = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final SafetyChecker checker;
    private final UnaryOperator<RaftConfig.Builder> tweak;
    private final int snapshotEvery;
    private final SimNode.Outbox outbox;
    private final SimObserver observer;
    private final Map<Long, List<ReadState>> readStates = new HashMap<>();
    private final LongFunction<? extends StateMachine<?>> application;
    private long round;

    private Cluster(Builder b) {
        List<Long> voters = b.voters;
        List<Long> learners = b.learners;
        this.tweak = b.tweak;
        this.snapshotEvery = b.snapshotEvery;
        this.application = b.application;
        this.checker = new SafetyChecker(() -> "cluster round " + round + ": " + describe());
        // The checker sees everything; the cluster also keeps the read states for the tests.
        SimObserver reads = new SimObserver() {
            @Override public void entriesWritten(SimNode node, List<Entry> entries) {}
            @Override public void applied(SimNode node, Entry entry, long digest) {}
            @Override public void restored(SimNode node, SnapshotMetadata metadata, long digest) {}
            @Override public void readStates(SimNode node, List<ReadState> states) {
                readStates.computeIfAbsent(node.id(), k -> new ArrayList<>()).addAll(states);
            }
        };
        SimObserver own = SimObserver.both(checker, reads);
        this.observer = b.observer == null ? own : SimObserver.both(own, b.observer);
        this.outbox = (from, env) -> {
            sent.add(new Sent(round, env.message()));
            wire.add(env);
        };
        List<Long> founders = new ArrayList<>(voters);
        founders.addAll(learners);
        for (long id : founders) {
            nodes.put(id, SimNode.founder(config(id), voters, learners, snapshotEvery, observer, outbox, application));
        }
    }

    /** A founded cluster of these voters and no learners, default configuration. */
    public static Cluster ofVoters(long... voters) {
        return builder().voters(voters).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Cluster}. Defaults: no voters, no learners, default RaftConfig, no automatic snapshots. */
    public static final class Builder {
        private List<Long> voters = List.of();
        private List<Long> learners = List.of();
        private UnaryOperator<RaftConfig.Builder> tweak = b -> b;
        private int snapshotEvery;
        private LongFunction<? extends StateMachine<?>> application;
        private SimObserver observer;

        public Builder voters(long... ids) {
            voters = Arrays.stream(ids).boxed().toList();
            return this;
        }

        public Builder learners(long... ids) {
            learners = Arrays.stream(ids).boxed().toList();
            return this;
        }

        /** Adjusts every node's {@link RaftConfig} (the id and seed are already set). */
        public Builder config(UnaryOperator<RaftConfig.Builder> tweak) {
            this.tweak = tweak;
            return this;
        }

        public Builder snapshotEvery(int entries) {
            snapshotEvery = entries;
            return this;
        }

        /**
         * Runs an application on every node, founders and joiners: {@code factory} creates a node's
         * instance (given its id) for each of its lives; see {@link SimNode}. A founder's first
         * instance is written into the founding snapshot, so it should hold the founding state.
         */
        public Builder application(LongFunction<? extends StateMachine<?>> factory) {
            this.application = factory;
            return this;
        }

        /**
         * Also tells {@code extra} everything the nodes report, after the safety checker. It is
         * called in the middle of a node's Ready handling: it must only record, never call back
         * into the cluster.
         */
        public Builder observer(SimObserver extra) {
            this.observer = extra;
            return this;
        }

        public Cluster build() {
            return new Cluster(this);
        }
    }

    private RaftConfig config(long id) {
        return tweak.apply(RaftConfig.builder(id).randomSeed(id * 7919)).build();
    }

    // ------------------------------------------------------------------ time and delivery

    /**
     * Handles every Ready and delivers every message until nothing is left to do.
     *
     * @throws IllegalStateException if the cluster never quiets down
     */
    public void stabilize() {
        for (int guard = 0; guard < 100_000; guard++) {
            boolean busy = false;
            for (SimNode n : nodes.values()) {
                if (!held.contains(n.id()) && n.hasWork()) {
                    n.processAll();
                    busy = true;
                }
            }
            List<Envelope> batch = new ArrayList<>(wire);
            wire.clear();
            for (Envelope env : batch) {
                deliver(env);
                busy = true;
            }
            checker.checkStep(nodes.values());
            if (!busy) {
                return;
            }
        }
        throw new IllegalStateException("the cluster never went quiet: " + describe());
    }

    private void deliver(Envelope env) {
        SimNode to = nodes.get(env.to());
        RaftMessage m = env.message();
        if (m.getType() == MessageType.MSG_SNAPSHOT && slowSnapshots.contains(env.to())) {
            parkedSnapshots.add(env); // still streaming: neither delivered nor reported yet
            return;
        }
        boolean lost = to == null || !to.isUp() || side(env.from()) != side(env.to())
                || dropRules.stream().anyMatch(r -> r.test(m));
        SimNode from = nodes.get(env.from());
        boolean sameSender = from != null && from.isUp() && from.incarnation() == env.senderIncarnation();
        if (lost) {
            if (m.getType() == MessageType.MSG_SNAPSHOT && sameSender) {
                from.core().reportSnapshot(env.to(), false);
            }
            return;
        }
        to.receive(env);
        if (m.getType() == MessageType.MSG_SNAPSHOT && sameSender) {
            from.core().reportSnapshot(env.to(), true);
        }
    }

    private int side(long id) {
        return sides.getOrDefault(id, 0);
    }

    /** Ticks one node once, then stabilizes. */
    public void tick(long id) {
        round++;
        nodes.get(id).tick();
        stabilize();
    }

    /** One round: every running node ticks once, then the cluster stabilizes. */
    public void tickAll() {
        round++;
        for (SimNode n : nodes.values()) {
            if (n.isUp()) {
                n.tick();
            }
        }
        stabilize();
    }

    public void tickAll(int rounds) {
        for (int i = 0; i < rounds; i++) {
            tickAll();
        }
    }

    /**
     * Ticks rounds until {@code condition} holds.
     *
     * @return how many rounds it took
     * @throws AssertionError if it does not hold within {@code maxRounds}
     */
    public int tickUntil(BooleanSupplier condition, int maxRounds, String what) {
        for (int i = 0; i <= maxRounds; i++) {
            if (condition.getAsBoolean()) {
                return i;
            }
            if (i < maxRounds) {
                tickAll();
            }
        }
        throw new AssertionError("not within " + maxRounds + " rounds: " + what + "; " + describe());
    }

    // ------------------------------------------------------------------ network shape

    /** Puts each group on its own side of a partition; unlisted nodes stay together on side 0. */
    public void partition(long[]... groups) {
        sides.clear();
        for (int i = 0; i < groups.length; i++) {
            for (long id : groups[i]) {
                sides.put(id, i + 1);
            }
        }
    }

    /** Cuts each of these nodes off from everyone (each alone on its own side). */
    public void isolate(long... ids) {
        int next = 1 + sides.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (long id : ids) {
            sides.put(id, next++);
        }
    }

    /**
     * Stops handling {@code id}'s Readys (a node whose disk and apply thread are stuck): it still
     * receives and steps messages, but sends nothing until {@link #release}. The test may drive its
     * Readys by hand through {@link SimNode#beginReady()} / {@link SimNode#finishReady()}.
     */
    public void hold(long id) {
        held.add(id);
    }

    /** Resumes handling {@code id}'s Readys and stabilizes. */
    public void release(long id) {
        held.remove(id);
        stabilize();
    }

    /**
     * Makes snapshot transfers to {@code id} slow: its {@code MSG_SNAPSHOT}s are parked, neither
     * delivered nor reported to the sender, until {@link #releaseSnapshots}, so the sender sees a
     * snapshot in flight (what a runtime streaming a large snapshot in chunks shows for a while).
     */
    public void delaySnapshots(long id) {
        slowSnapshots.add(id);
    }

    /** Delivers the parked snapshots to {@code id} (in order) and stops parking new ones; stabilizes. */
    public void releaseSnapshots(long id) {
        slowSnapshots.remove(id);
        parkedSnapshots.removeIf(env -> {
            if (env.to() == id) {
                wire.add(env);
                return true;
            }
            return false;
        });
        stabilize();
    }

    /** Removes every partition and drop rule. */
    public void heal() {
        sides.clear();
        dropRules.clear();
    }

    /** Drops every message matching {@code rule} (until {@link #heal()}). */
    public void drop(Predicate<RaftMessage> rule) {
        dropRules.add(rule);
    }

    // ------------------------------------------------------------------ nodes

    public SimNode node(long id) {
        SimNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return n;
    }

    public RaftCore core(long id) {
        return node(id).core();
    }

    public List<Long> ids() {
        return List.copyOf(nodes.keySet());
    }

    /** Starts a node that joins an existing cluster: empty storage, default applied metadata. */
    public SimNode startJoiner(long id) {
        if (nodes.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists");
        }
        SimNode n = SimNode.joiner(config(id), snapshotEvery, observer, outbox, application);
        nodes.put(id, n);
        return n;
    }

    /** Crashes a node: it loses whatever it had not synced and drops messages until restarted. */
    public void crash(long id) {
        node(id).crash();
    }

    public void restart(long id) {
        node(id).restart();
        stabilize();
    }

    /** Removes a node from the world for good: its id becomes a dead address. */
    public void destroy(long id) {
        node(id).crash();
        nodes.remove(id);
    }

    // ------------------------------------------------------------------ clients

    /** Campaigns on {@code id} and stabilizes. */
    public void campaign(long id) {
        node(id).campaign();
        stabilize();
    }

    /** Makes {@code id} leader by campaigning, and checks that it worked. */
    public void elect(long id) {
        campaign(id);
        if (core(id).role() != Role.LEADER) {
            throw new AssertionError("node " + id + " campaigned but is " + core(id).role() + "; " + describe());
        }
    }

    /** The running leader with the highest term, or 0 when there is none. */
    public long leader() {
        long best = 0;
        long bestTerm = -1;
        for (SimNode n : nodes.values()) {
            if (n.isUp() && n.core().role() == Role.LEADER && n.core().term() > bestTerm) {
                best = n.id();
                bestTerm = n.core().term();
            }
        }
        return best;
    }

    /** Proposes {@code data} on {@code id} and stabilizes; RaftExceptions propagate. */
    public EntryId propose(long id, String data) {
        EntryId e = core(id).propose(ByteString.copyFromUtf8(data));
        stabilize();
        return e;
    }

    /** Proposes a conf change on {@code id} and stabilizes; RaftExceptions propagate. */
    public EntryId proposeConfChange(long id, ConfChange change) {
        EntryId e = core(id).proposeConfChange(change);
        stabilize();
        return e;
    }

    /** Whether the entry proposed as {@code id} is committed (applied somewhere with its term). */
    public boolean isCommitted(EntryId id) {
        Entry e = checker.committedAt(id.index());
        return e != null && e.getTerm() == id.term();
    }

    /** Whether node {@code node} has applied the entry proposed as {@code id}. */
    public boolean isApplied(long node, EntryId id) {
        return isCommitted(id) && node(node).stateMachine().appliedIndex() >= id.index();
    }

    /**
     * Asks {@code node} for a read index (and registers the request with the checker, which then
     * verifies the answer is at least every commit index known now). Does not stabilize.
     */
    public void readIndex(long node, long requestId) {
        long bound = checker.maxCommitted();
        for (SimNode n : nodes.values()) {
            if (n.isUp()) {
                bound = Math.max(bound, n.core().commitIndex());
            }
        }
        checker.readRequested(requestId, bound);
        core(node).readIndex(requestId);
    }

    /** The read-index answers {@code node} handed out so far, in order. */
    public List<ReadState> readStates(long node) {
        return readStates.getOrDefault(node, List.of());
    }

    public SafetyChecker checker() {
        return checker;
    }

    /** Every message sent so far, in order. */
    public List<Sent> sent() {
        return sent;
    }

    /** The current tick round. */
    public long round() {
        return round;
    }

    // ------------------------------------------------------------------ conf-change helpers

    /** Several changes at once through a joint configuration left automatically. */
    public static ConfChange joint(ConfChangeSingle... changes) {
        return ConfChange.newBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT)
                .addAllChanges(Arrays.asList(changes))
                .build();
    }

    /** One change for {@link #joint}; single changes come from {@link org.understudy.raft.core.ConfChanges}. */
    public static ConfChangeSingle single(ConfChangeType type, long id) {
        return org.understudy.raft.core.ConfChanges.change(type, id);
    }

    // ------------------------------------------------------------------ description

    /** One line per node: role, term, indexes, configuration. */
    public String describe() {
        return SimFormat.nodes(nodes.values());
    }
}
