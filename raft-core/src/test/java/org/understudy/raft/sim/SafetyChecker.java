package org.understudy.raft.sim;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.core.ReadState;
import org.understudy.raft.core.Role;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * Raft's safety properties (thesis §3.6, Figure 3.2), checked against what the simulated nodes do.
 * Everything is checked incrementally: {@link SimNode}s report writes, applies and restores as
 * they happen, and {@link #checkStep} looks at every running core after each simulation step.
 *
 * <ul>
 *   <li><b>Election safety</b>: at most one leader per term, over the whole run.
 *   <li><b>Log matching</b>: two entries written anywhere with the same index and term carry the
 *       same data and follow an entry of the same term, so (by induction) the logs are identical up
 *       to there. Terms never decrease along a log.
 *   <li><b>Leader completeness</b>: an entry committed in term t is in the log of every leader of a
 *       term after t. Checked three ways: a new leader's last index reaches every index committed in
 *       earlier terms; once the new leader's storage holds its whole log, the storage has every such
 *       entry; and a leader never writes a different entry at such an index.
 *   <li><b>State machine safety</b>: no two nodes apply different entries at one index, and the
 *       state machine digests agree at every index, also for states restored from snapshots.
 *   <li><b>Learners</b>: a node that is a learner in its own configuration never becomes a
 *       (pre-)candidate or leader (a leader demoted while leading may keep its term's leadership
 *       while it hands over, nothing more), and every advance of a leader's commit index is backed (by a naive count, independent of the
 *       core's quorum code) by a majority of the voters of each half of its configuration, learners
 *       ignored.
 *   <li><b>Read index</b>: a read index handed out is at least every commit index any node knew
 *       when the read was requested (linearizable reads, thesis §6.4).
 * </ul>
 *
 * Terms of commitment are tracked conservatively: an entry counts as committed "in term t" where t
 * is the term of a node that knew it committed, which is at or after the real term of commitment,
 * so the leader-completeness checks never fire on a correct core.
 */
public final class SafetyChecker implements SimObserver {

    private record IndexTerm(long index, long term) {}

    /** An entry written somewhere, and the nodes whose logs hold it (or held it until it was overwritten). */
    private record Written(Entry entry, long prevTerm, java.util.Set<Long> writers) {}

    private static final class Committed {
        final Entry entry;
        final long firstNode;
        long commitTerm;

        Committed(Entry entry, long node, long commitTerm) {
            this.entry = entry;
            this.firstNode = node;
            this.commitTerm = commitTerm;
        }
    }

    private record Observation(int incarnation, Role role, long term) {}

    /** What a leader's commit index and configuration were after its previous input. */
    private static final class LeaderWatch {
        final int incarnation;
        final long term;
        long commit;
        ConfState conf;

        LeaderWatch(int incarnation, long term, long commit, ConfState conf) {
            this.incarnation = incarnation;
            this.term = term;
            this.commit = commit;
            this.conf = conf;
        }
    }

    private final Supplier<String> where;
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<IndexTerm, Written> written = new HashMap<>();
    private final TreeMap<Long, Committed> committed = new TreeMap<>();
    private final Map<Long, Long> digestAt = new HashMap<>();
    private final TreeMap<Long, Long> commitByTerm = new TreeMap<>();
    private final Map<Long, Observation> observed = new HashMap<>();
    private final Map<Long, Long> completenessPending = new HashMap<>();
    private final Map<Long, LeaderWatch> leaderWatch = new HashMap<>();
    private final Map<Long, Long> readLowerBound = new HashMap<>();
    private long commands;
    private long confChanges;
    private long readsServed;
    private long readsRefused;

    /** @param where describes the current position for failure messages (seed, step, replay command) */
    public SafetyChecker(Supplier<String> where) {
        this.where = where;
    }

    private AssertionError violation(String what) {
        return new AssertionError(what + "\n  at " + where.get());
    }

    // ------------------------------------------------------------------ observer callbacks

    @Override
    public void entriesWritten(SimNode node, List<Entry> entries) {
        long prevTerm = node.log().term(entries.get(0).getIndex() - 1);
        long prevIndex = entries.get(0).getIndex() - 1;
        RaftCore core = node.core();
        boolean leader = core.role() == Role.LEADER;
        long term = core.term();
        for (Entry e : entries) {
            if (e.getIndex() != prevIndex + 1) {
                throw violation("node " + node.id() + " was handed non-contiguous entries: " + e.getIndex()
                        + " after " + prevIndex);
            }
            if (e.getTerm() < prevTerm) {
                throw violation("log matching: node " + node.id() + " wrote entry " + e.getIndex() + " of term "
                        + e.getTerm() + " after an entry of term " + prevTerm + " (terms must not decrease)");
            }
            IndexTerm key = new IndexTerm(e.getIndex(), e.getTerm());
            Written w = written.get(key);
            if (w == null) {
                java.util.Set<Long> writers = new java.util.TreeSet<>();
                writers.add(node.id());
                written.put(key, new Written(e, prevTerm, writers));
            } else if (!w.entry().equals(e) || w.prevTerm() != prevTerm) {
                throw violation("log matching: at index " + e.getIndex() + " term " + e.getTerm() + " node "
                        + node.id() + " wrote " + SimFormat.describe(e) + " after term " + prevTerm + " but node(s) " + w.writers()
                        + " wrote " + SimFormat.describe(w.entry()) + " after term " + w.prevTerm());
            } else {
                w.writers().add(node.id());
            }
            if (leader) {
                Committed c = committed.get(e.getIndex());
                if (c != null && c.commitTerm < term && !c.entry.equals(e)) {
                    throw violation("leader completeness: leader " + node.id() + " of term " + term + " wrote "
                            + SimFormat.describe(e) + " at index " + e.getIndex() + " where " + SimFormat.describe(c.entry)
                            + " was committed by term " + c.commitTerm);
                }
            }
            prevTerm = e.getTerm();
            prevIndex = e.getIndex();
        }
    }

    /**
     * Forgets entries that existed only in what {@code node} lost: a crash may take unsynced entries
     * with it, and a node that restarts in a term it never made durable may legitimately write other
     * entries under the same index and term, as long as nothing it lost ever left it.
     */
    @Override
    public void crashed(SimNode node) {
        MemoryLogStorage log = node.log();
        for (var it = written.entrySet().iterator(); it.hasNext(); ) {
            Written w = it.next().getValue();
            if (!w.writers().contains(node.id())) {
                continue;
            }
            long index = w.entry().getIndex();
            boolean kept = index < log.firstIndex()
                    || (index <= log.lastIndex() && log.term(index) == w.entry().getTerm());
            if (!kept) {
                w.writers().remove(node.id());
                if (w.writers().isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    @Override
    public void applied(SimNode node, Entry entry, long digest) {
        long term = node.core().term();
        Committed c = committed.get(entry.getIndex());
        if (c == null) {
            committed.put(entry.getIndex(), new Committed(entry, node.id(), term));
            if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                confChanges++;
            } else if (!entry.getData().isEmpty()) {
                commands++;
            }
        } else if (!c.entry.equals(entry)) {
            throw violation("state machine safety: node " + node.id() + " applied " + SimFormat.describe(entry) + " at index "
                    + entry.getIndex() + " but node " + c.firstNode + " applied " + SimFormat.describe(c.entry));
        } else {
            c.commitTerm = Math.min(c.commitTerm, term);
        }
        checkDigest(node, entry.getIndex(), digest, "after applying");
        commitByTerm.merge(term, entry.getIndex(), Math::max);
    }

    @Override
    public void restored(SimNode node, SnapshotMetadata metadata, long digest) {
        Committed c = committed.get(metadata.getIndex());
        if (c != null && c.entry.getTerm() != metadata.getTerm()) {
            throw violation("state machine safety: node " + node.id() + " restored a snapshot at index "
                    + metadata.getIndex() + " term " + metadata.getTerm() + " but the entry committed there has term "
                    + c.entry.getTerm());
        }
        checkDigest(node, metadata.getIndex(), digest, "restored from a snapshot");
    }

    private void checkDigest(SimNode node, long index, long digest, String how) {
        Long known = digestAt.putIfAbsent(index, digest);
        if (known != null && known != digest) {
            throw violation("state machine safety: node " + node.id() + " " + how + " at index " + index
                    + " has a state that differs from what other nodes had at that index");
        }
    }

    /**
     * Registers a read-index request before it is made; its answer must be at least {@code lowerBound},
     * the highest commit index any node knew at that moment.
     */
    public void readRequested(long requestId, long lowerBound) {
        readLowerBound.put(requestId, lowerBound);
    }

    @Override
    public void readStates(SimNode node, List<ReadState> states) {
        for (ReadState s : states) {
            Long bound = readLowerBound.get(s.requestId());
            if (bound == null) {
                throw violation("node " + node.id() + " answered read request " + s.requestId()
                        + " that nobody made");
            }
            if (s.refused()) {
                readsRefused++;
            } else if (s.index() < bound) {
                throw violation("read index: node " + node.id() + " answered read " + s.requestId() + " with index "
                        + s.index() + " but index " + bound + " was already committed when the read was requested");
            } else {
                readsServed++;
            }
        }
    }

    // ------------------------------------------------------------------ per-step checks

    /** Checks every running node's state; call after every simulation step. */
    public void checkStep(Collection<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (n.isUp()) {
                checkNode(n);
            }
        }
    }

    private void checkNode(SimNode n) {
        RaftCore core = n.core();
        long id = n.id();
        Role role = core.role();
        long term = core.term();
        Observation prev = observed.get(id);
        if (prev != null && prev.incarnation() != n.incarnation()) {
            prev = null;
        }
        // A learner never campaigns. The one way a learner holds leadership is a leader that was
        // demoted: it keeps leading (uncounted) in the same term only while it hands over (simulator finding B1).
        // inputHandled saw it become leader of this term while it was a voter.
        LeaderWatch w = leaderWatch.get(id);
        boolean handingOver = role == Role.LEADER && w != null && w.term == term && w.incarnation == n.incarnation();
        if (role != Role.FOLLOWER && core.isLearner() && !handingOver) {
            throw violation("learner " + id + " is " + role + " in term " + term
                    + " (learners never campaign); its configuration is " + SimFormat.describe(core.confState()));
        }
        if (role == Role.LEADER) {
            Long other = leaderOfTerm.putIfAbsent(term, id);
            if (other != null && other != id) {
                throw violation("election safety: nodes " + other + " and " + id + " are both leaders of term " + term);
            }
            boolean newLeader = prev == null || prev.role() != Role.LEADER || prev.term() != term;
            if (newLeader) {
                long mustHave = maxCommitBefore(term);
                if (core.lastIndex() < mustHave) {
                    throw violation("leader completeness: node " + id + " became leader of term " + term
                            + " with last index " + core.lastIndex() + " but index " + mustHave
                            + " was committed in an earlier term");
                }
                completenessPending.put(id, term);
            }
        }
        commitByTerm.merge(term, core.commitIndex(), Math::max);
        Long pendingTerm = completenessPending.get(id);
        if (pendingTerm != null) {
            if (role != Role.LEADER || term != pendingTerm) {
                completenessPending.remove(id);
            } else if (n.begunReadys() == 0 && !core.hasReady()) {
                // the storage now holds exactly the leader's log
                checkLogHoldsCommitted(n, pendingTerm);
                completenessPending.remove(id);
            }
        }
        if (prev == null || prev.role() != role || prev.term() != term) {
            observed.put(id, new Observation(n.incarnation(), role, term));
        }
    }

    private long maxCommitBefore(long term) {
        long max = 0;
        for (long c : commitByTerm.headMap(term, false).values()) {
            max = Math.max(max, c);
        }
        return max;
    }

    private void checkLogHoldsCommitted(SimNode n, long term) {
        MemoryLogStorage log = n.log();
        long first = log.firstIndex();
        long last = log.lastIndex();
        List<Entry> entries = null;
        for (Committed c : committed.tailMap(first, true).values()) {
            if (c.commitTerm >= term) {
                continue;
            }
            long idx = c.entry.getIndex();
            if (idx > last) {
                throw violation("leader completeness: leader " + n.id() + " of term " + term + " has log up to "
                        + last + " but " + SimFormat.describe(c.entry) + " at " + idx + " was committed by term " + c.commitTerm);
            }
            if (entries == null) {
                entries = log.entries(first, last + 1, Long.MAX_VALUE);
            }
            Entry mine = entries.get((int) (idx - first));
            if (!mine.equals(c.entry)) {
                throw violation("leader completeness: leader " + n.id() + " of term " + term + " has "
                        + SimFormat.describe(mine) + " at " + idx + " but " + SimFormat.describe(c.entry) + " was committed there by term "
                        + c.commitTerm);
            }
        }
    }

    /**
     * Checks each advance of a leader's commit index where it happens: right after the input that
     * caused it, a majority of the voters of each half of the configuration (before or after that
     * input: an advance may apply a configuration change and count its own acknowledgement at once)
     * must have acknowledged the new index. Learners are ignored.
     */
    @Override
    public void inputHandled(SimNode node) {
        RaftCore core = node.core();
        if (core.role() != Role.LEADER) {
            if (!leaderWatch.isEmpty()) {
                leaderWatch.remove(node.id());
            }
            return;
        }
        LeaderWatch w = leaderWatch.get(node.id());
        long commit = core.commitIndex();
        if (w == null || w.term != core.term() || w.incarnation != node.incarnation()) {
            // it has just become leader: only a voter can win an election
            if (core.isLearner()) {
                throw violation("learner " + node.id() + " became leader of term " + core.term()
                        + "; its configuration is " + SimFormat.describe(core.confState()));
            }
            leaderWatch.put(node.id(), new LeaderWatch(node.incarnation(), core.term(), commit, core.confState()));
            return;
        }
        ConfState conf = core.confState();
        if (commit > w.commit) {
            CoreStatus st = core.status();
            Map<Long, PeerProgress> progress = st.progress();
            boolean confChanged = !w.conf.equals(conf);
            if (!votersAcked(conf, progress, commit, false)
                    && !(confChanged && votersAcked(w.conf, progress, commit, true))) {
                boolean withLearners = votersAcked(withLearnersAsVoters(conf), progress, commit, false);
                throw violation((withLearners ? "learner counted: " : "commit without quorum: ") + "leader "
                        + node.id() + " of term " + st.term() + " advanced its commit index from " + w.commit + " to "
                        + commit + " but no majority of the voters of " + SimFormat.describe(conf)
                        + (confChanged ? " (before: " + SimFormat.describe(w.conf) + ")" : "") + " has match >= " + commit
                        + "; progress " + SimFormat.describeProgress(progress));
            }
        }
        w.commit = commit;
        w.conf = conf;
    }

    /** Naive majority test, independent of the core's quorum code; an empty half agrees to anything. */
    static boolean votersAcked(ConfState conf, Map<Long, PeerProgress> progress, long index, boolean unknownAcked) {
        return majorityAcked(conf.getVotersList(), progress, index, unknownAcked)
                && majorityAcked(conf.getVotersOutgoingList(), progress, index, unknownAcked);
    }

    /**
     * @param unknownAcked count a voter without progress as acknowledging (it was removed by the
     *     same input, so its last match is no longer visible)
     */
    private static boolean majorityAcked(List<Long> voters, Map<Long, PeerProgress> progress, long index,
            boolean unknownAcked) {
        if (voters.isEmpty()) {
            return true;
        }
        int acks = 0;
        for (long v : voters) {
            PeerProgress p = progress.get(v);
            if (p == null ? unknownAcked : p.match() >= index) {
                acks++;
            }
        }
        return acks > voters.size() / 2;
    }

    private static ConfState withLearnersAsVoters(ConfState c) {
        ConfState.Builder b = c.toBuilder().addAllVoters(c.getLearnersList());
        if (c.getVotersOutgoingCount() > 0) {
            b.addAllVotersOutgoing(c.getLearnersList());
        }
        return b.build();
    }

    // ------------------------------------------------------------------ results

    /** The highest index known committed anywhere so far (applied or in some node's commit index). */
    public long maxCommitted() {
        long max = committed.isEmpty() ? 0 : committed.lastKey();
        for (long c : commitByTerm.values()) {
            max = Math.max(max, c);
        }
        return max;
    }

    /** The committed entry at {@code index} as applied by some node, or {@code null} if none applied it yet. */
    public Entry committedAt(long index) {
        Committed c = committed.get(index);
        return c == null ? null : c.entry;
    }

    /** How many terms had a leader. */
    public long elections() {
        return leaderOfTerm.size();
    }

    /** Non-empty normal entries committed (and applied somewhere). */
    public long commandsCommitted() {
        return commands;
    }

    public long confChangesCommitted() {
        return confChanges;
    }

    public long readsServed() {
        return readsServed;
    }

    public long readsRefused() {
        return readsRefused;
    }
}
