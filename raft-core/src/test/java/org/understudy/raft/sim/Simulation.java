package org.understudy.raft.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * One deterministic simulation run: a cluster of {@link SimNode}s on a {@link SimNetwork}, driven
 * step by step by a single seeded random source, with the {@link SafetyChecker} looking at every
 * step (DESIGN.md §8).
 *
 * <p>A step: some nodes tick; due messages are delivered; nodes handle Readys (sometimes two at
 * once, sometimes leaving one half-done across steps so a crash loses its unsynced writes); a
 * client may propose, change the membership, read, transfer leadership or force a campaign; in a
 * chaotic phase a node may crash or restart and partitions come and go. Chaotic phases alternate
 * with calm ones (no loss, partitions or crashes) so the cluster also makes progress.
 *
 * <p>After the configured steps the run settles: everything heals, every crashed node restarts,
 * membership changes and new writes stop, and within a bounded number of steps a leader must commit a final
 * proposal and every member must catch up to it (a weak liveness check that catches stuck
 * clusters).
 *
 * <p>Same seed and steps, same run: the only randomness is the seed's, and nodes and ids are kept
 * in ordered maps.
 */
public final class Simulation {

    public static final int DEFAULT_STEPS = 3000;
    /** Calm steps a run gets to elect a leader, commit a final proposal and catch up every member. */
    private static final int SETTLE_STEPS = 15_000;

    private final long seed;
    private final int steps;
    private final SimOptions options;
    private final SplittableRandom random;
    private final SafetyChecker checker;
    private final SimNetwork network;
    private final RandomConfChanges confChanges;
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private final List<SimNode> everyNode = new ArrayList<>();
    private final TreeMap<Long, Long> removals = new TreeMap<>();
    private final Map<Long, String> lastRoles = new HashMap<>();
    private final Consumer<String> trace;
    private final SimObserver observer;
    private final SimNode.Outbox outbox;
    private long now;
    private long nextId;
    private boolean calm;
    private boolean settling;
    private long phaseEnd;
    private final SimClient client;
    private long crashes;
    private long raftErrors;

    /** A run of {@code steps} steps from {@code seed}; {@code trace} receives a line per event, or null. */
    public Simulation(long seed, int steps, PrintStream trace) {
        this.seed = seed;
        this.steps = steps;
        SplittableRandom root = new SplittableRandom(seed);
        this.options = SimOptions.draw(SimProfile.forSeed(seed), root.split());
        this.random = root.split();
        this.checker = new SafetyChecker(this::where);
        this.network = new SimNetwork(root.split(), new Failures());
        this.confChanges = new RandomConfChanges(root.split(), () -> nextId++, options.maxVoters(),
                options.maxLearners());
        this.client = new SimClient(this, random, options, checker, confChanges, seed);
        this.trace = trace == null ? null : line -> trace.println("t" + now + " " + line);
        this.observer = SimObserver.both(checker, new Observer());
        this.outbox = (from, env) -> {
            if (this.trace != null) {
                this.trace.accept("send " + SimFormat.describe(env.message()));
            }
            network.send(env, now);
        };
    }

    public Simulation(long seed, int steps) {
        this(seed, steps, null);
    }

    /** The command that replays one seed. */
    public static String replayCommand(long seed, int steps) {
        return "mvn -o -pl raft-core test -Dtest=SimulationTest -Dsim.seed=" + seed + " -Dsim.steps=" + steps
                + "   (add -Dsim.trace=true for an event trace in raft-core/target/sim-trace-" + seed + ".txt)";
    }

    private String where() {
        return "seed=" + seed + " step=" + now + (settling ? " (settling)" : "") + " profile=" + options.profile()
                + "\n  replay: " + replayCommand(seed, steps);
    }

    AssertionError violation(String what) {
        return new AssertionError(what + "\n  at " + where());
    }

    public SimOptions options() {
        return options;
    }

    /** Runs to the end; throws an {@link AssertionError} naming the seed and step on any violation. */
    public SimResult run() {
        try {
            setUp();
            while (now < steps) {
                if (now >= phaseEnd) {
                    switchPhase();
                }
                step();
            }
            long settled = settle();
            return result(settled);
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError("unexpected " + e + "\n  at " + where() + "\n  nodes: " + describeNodes(), e);
        }
    }

    // ------------------------------------------------------------------ set-up and phases

    private void setUp() {
        List<Long> voters = new ArrayList<>();
        List<Long> learners = new ArrayList<>();
        for (long id = 1; id <= options.initialVoters(); id++) {
            voters.add(id);
        }
        for (int i = 0; i < options.initialLearners(); i++) {
            learners.add((long) options.initialVoters() + 1 + i);
        }
        nextId = options.initialVoters() + options.initialLearners() + 1;
        List<Long> founders = new ArrayList<>(voters);
        founders.addAll(learners);
        for (long id : founders) {
            add(SimNode.founder(options.raftConfig(id, seed), voters, learners, options.snapshotEvery(), observer,
                    outbox));
        }
        chaos();
        trace("start " + options);
    }

    private void add(SimNode node) {
        node.traceTo(trace);
        nodes.put(node.id(), node);
        everyNode.add(node);
    }

    private void switchPhase() {
        if (calm) {
            chaos();
        } else {
            calm();
        }
    }

    private void chaos() {
        calm = false;
        network.setFaults(options.lossRate(), options.duplicateRate(), options.maxDelay(), options.snapshotFailureRate());
        phaseEnd = now + 150 + random.nextInt(450);
        trace("chaos until " + phaseEnd);
    }

    private void calm() {
        calm = true;
        network.heal();
        network.setFaults(0, options.duplicateRate(), options.maxDelay(), 0);
        for (SimNode n : nodes.values()) {
            if (!n.isUp()) {
                n.restart();
                trace("restart " + n.id());
            }
        }
        phaseEnd = now + 100 + random.nextInt(300);
        trace("calm until " + phaseEnd);
    }

    // ------------------------------------------------------------------ one step

    private void step() {
        now++;
        for (SimNode n : nodes.values()) {
            if (n.isUp() && random.nextDouble() < options.tickRate()) {
                n.tick();
            }
        }
        for (Envelope env : network.takeDue(now)) {
            deliver(env);
        }
        List<SimNode> order = new ArrayList<>(nodes.values());
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            SimNode t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        for (SimNode n : order) {
            handleReadys(n);
        }
        client.act(settling);
        if (!calm) {
            faults();
        }
        decommissionRemoved();
        for (SimNode n : nodes.values()) {
            n.maybeSnapshot();
        }
        checker.checkStep(nodes.values());
        if (trace != null) {
            traceRoles();
        }
    }

    private void deliver(Envelope env) {
        SimNode to = nodes.get(env.to());
        if (to == null || !to.isUp() || network.separated(env.from(), env.to())) {
            trace("drop " + SimFormat.describe(env.message()));
            network.dropAtDelivery(env);
            return;
        }
        trace("deliver " + SimFormat.describe(env.message()));
        to.receive(env);
        network.delivered(env);
    }

    private void handleReadys(SimNode n) {
        int ops = 1 + random.nextInt(4);
        int maxBegun = options.pipelining() ? 2 : 1;
        for (int i = 0; i < ops && n.hasWork(); i++) {
            boolean canBegin = n.core().hasReady() && n.begunReadys() < maxBegun;
            if (n.begunReadys() > 0 && (!canBegin || random.nextInt(3) != 0)) {
                n.finishReady();
            } else {
                n.beginReady();
            }
        }
    }

    // ------------------------------------------------------------------ faults

    private void faults() {
        if (random.nextDouble() < options.crashRate()) {
            SimNode n = randomUpNode();
            if (n != null) {
                n.crash();
                crashes++;
                trace("crash " + n.id());
            }
        }
        for (SimNode n : nodes.values()) {
            if (!n.isUp() && random.nextDouble() < options.restartRate()) {
                n.restart();
                trace("restart " + n.id());
            }
        }
        if (!network.partitioned()) {
            if (random.nextDouble() < options.partitionRate()) {
                partition();
            }
        } else if (random.nextDouble() < options.healRate()) {
            network.heal();
            trace("heal");
        }
    }

    private void partition() {
        List<Long> ids = new ArrayList<>(nodes.keySet());
        Map<Long, Integer> sides = new TreeMap<>();
        if (random.nextBoolean()) {
            sides.put(ids.get(random.nextInt(ids.size())), 1);
        } else {
            int count = 2 + (random.nextInt(4) == 0 ? 1 : 0);
            for (long id : ids) {
                sides.put(id, random.nextInt(count));
            }
        }
        network.partition(sides);
        trace("partition " + sides);
    }

    /**
     * Shuts down, some time after the fact, nodes whose removal is committed, as a careful operator
     * would: only once the node is in no half of the configuration, is not leading (a removed leader
     * hands over first), and every voter of the new configuration runs a configuration without it. (Shutting
     * it down earlier can leave a voter that still runs the old configuration needing its vote
     * forever: configurations take effect when applied.) Ids are never reused, so a removed node
     * never comes back.
     */
    private void decommissionRemoved() {
        if (removals.isEmpty()) {
            return;
        }
        SimNode leader = leader();
        if (leader == null) {
            return;
        }
        ConfState cs = leader.core().confState();
        long applied = leader.core().appliedIndex();
        for (Iterator<Map.Entry<Long, Long>> it = removals.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> r = it.next();
            long id = r.getKey();
            SimNode gone = nodes.get(id);
            if (gone == null) {
                it.remove();
                continue;
            }
            boolean leading = gone.isUp() && gone.core().role() == Role.LEADER;
            if (applied >= r.getValue() && !isMember(cs, id) && !leading && votersForgot(cs, id)
                    && random.nextInt(20) == 0) {
                nodes.remove(id);
                gone.crash();
                trace("decommission " + id);
                it.remove();
            }
        }
    }

    /** Whether every voter of {@code cs} is running a configuration of its own without {@code id}. */
    private boolean votersForgot(ConfState cs, long id) {
        List<Long> voters = new ArrayList<>(cs.getVotersList());
        voters.addAll(cs.getVotersOutgoingList());
        for (long v : voters) {
            SimNode n = nodes.get(v);
            if (n == null || !n.isUp() || isMember(n.core().confState(), id)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMember(ConfState cs, long id) {
        return cs.getVotersList().contains(id) || cs.getVotersOutgoingList().contains(id)
                || cs.getLearnersList().contains(id) || cs.getLearnersNextList().contains(id);
    }

    // ------------------------------------------------------------------ settling (liveness)

    private long settle() {
        settling = true;
        calm();
        long start = now;
        ByteString marker = ByteString.copyFromUtf8("final/" + seed);
        EntryId pending = null;
        long committedAt = 0;
        long limit = SETTLE_STEPS + steps; // longer runs may leave longer logs to catch up
        while (now - start < limit) {
            step();
            if (pending != null && committedAt == 0) {
                Entry e = checker.committedAt(pending.index());
                if (e != null) {
                    if (e.getTerm() == pending.term() && e.getData().equals(marker)) {
                        committedAt = pending.index();
                    } else {
                        pending = null; // lost to a leader change: another entry committed there
                    }
                } else if (lostToANewerLeader(pending)) {
                    pending = null;
                }
            }
            if (committedAt > 0) {
                if (allMembersApplied(committedAt)) {
                    return now - start;
                }
                continue;
            }
            if (pending == null) {
                SimNode leader = leader();
                if (leader != null) {
                    try {
                        pending = leader.core().propose(marker);
                        trace("final proposal " + pending);
                    } catch (RaftException e) {
                        raftErrors++;
                    }
                }
            }
        }
        SimNode leader = leader();
        String what = leader == null ? "there is no leader"
                : committedAt == 0 ? "leader " + leader.id() + " has not committed the final proposal " + pending
                : "not every member applied the final proposal at " + committedAt;
        throw violation("liveness: after " + limit + " calm steps " + what + "\n  nodes: " + describeNodes());
    }

    /**
     * Whether a leader of a later term has a log too short to hold {@code proposal}: it was lost and
     * (with no other writes while settling) nothing may ever be committed at its index.
     */
    private boolean lostToANewerLeader(EntryId proposal) {
        SimNode leader = leader();
        return leader != null && leader.core().term() > proposal.term()
                && leader.core().lastIndex() < proposal.index();
    }

    private boolean allMembersApplied(long index) {
        SimNode leader = leader();
        if (leader == null) {
            return false;
        }
        ConfState cs = leader.core().confState();
        for (SimNode n : nodes.values()) {
            if (isMember(cs, n.id()) && (!n.isUp() || n.stateMachine().appliedIndex() < index)) {
                return false;
            }
        }
        return true;
    }

    private SimResult result(long settleSteps) {
        long installed = 0;
        long taken = 0;
        for (SimNode n : everyNode) {
            installed += n.snapshotsInstalled();
            taken += n.snapshotsTaken();
        }
        return new SimResult(seed, options.profile(), now, checker.commandsCommitted(),
                checker.confChangesCommitted(), crashes, installed, taken, checker.elections(),
                checker.readsServed(), raftErrors + client.raftErrors(), network.sent(), settleSteps);
    }

    // ------------------------------------------------------------------ helpers

    /** Starts a node that joins with empty storage (a new member proposed by a client). */
    void startJoiner(long id) {
        add(SimNode.joiner(options.raftConfig(id, seed), options.snapshotEvery(), observer, outbox));
    }

    /** The highest commit index any node knows now (what a read requested now must not miss). */
    long maxCommitIndexNow() {
        long bound = checker.maxCommitted();
        for (SimNode m : nodes.values()) {
            if (m.isUp()) {
                bound = Math.max(bound, m.core().commitIndex());
            }
        }
        return bound;
    }

    /** The running leader of the highest term, or null. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.isUp() && n.core().role() == Role.LEADER && (best == null || n.core().term() > best.core().term())) {
                best = n;
            }
        }
        return best;
    }

    SimNode randomUpNode() {
        List<SimNode> up = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.isUp()) {
                up.add(n);
            }
        }
        return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
    }

    /** What the simulation itself follows besides the checker: traces, and removals to decommission. */
    private final class Observer implements SimObserver {
        @Override
        public void entriesWritten(SimNode node, List<Entry> entries) {}

        @Override
        public void applied(SimNode node, Entry entry, long digest) {
            if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                try {
                    if (trace != null) {
                        trace("n" + node.id() + " applies conf change " + SimFormat.describe(ConfChange.parseFrom(entry.getData()))
                                + " at " + entry.getIndex() + "/" + entry.getTerm() + " (conf before: "
                                + SimFormat.describe(node.core().confState()) + ")");
                    }
                    for (ConfChangeSingle s : ConfChange.parseFrom(entry.getData()).getChangesList()) {
                        if (s.getType() == ConfChangeType.CONF_CHANGE_REMOVE_NODE) {
                            removals.merge(s.getNodeId(), entry.getIndex(), Math::min);
                        }
                    }
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void restored(SimNode node, SnapshotMetadata metadata, long digest) {}

        @Override
        public void readStates(SimNode node, List<ReadState> states) {}
    }

    /** Reports dropped and delivered snapshots and unreachable peers to the sender's current life. */
    private final class Failures implements SimNetwork.Failures {
        private RaftCore sender(Envelope env) {
            SimNode s = nodes.get(env.from());
            return s != null && s.isUp() && s.incarnation() == env.senderIncarnation() ? s.core() : null;
        }

        @Override
        public void snapshotFailed(Envelope env) {
            RaftCore c = sender(env);
            if (c != null) {
                c.reportSnapshot(env.to(), false);
            }
        }

        @Override
        public void snapshotDelivered(Envelope env) {
            RaftCore c = sender(env);
            if (c != null) {
                c.reportSnapshot(env.to(), true);
            }
        }

        @Override
        public void unreachable(Envelope env) {
            RaftCore c = sender(env);
            if (c != null) {
                c.reportUnreachable(env.to());
            }
        }
    }

    // ------------------------------------------------------------------ tracing

    void trace(String line) {
        if (trace != null) {
            trace.accept(line);
        }
    }

    private void traceRoles() {
        for (SimNode n : nodes.values()) {
            String r = n.isUp() ? n.core().role() + " t" + n.core().term() + " lead=" + n.core().leaderId() : "down";
            if (!r.equals(lastRoles.put(n.id(), r))) {
                trace("n" + n.id() + " is " + r);
            }
        }
    }

    private String describeNodes() {
        return SimFormat.nodes(nodes.values()) + "\n    partition=" + network.sides() + " inFlight=" + network.inFlight();
    }


}
