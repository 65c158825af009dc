package org.understudy.raft.core;

import java.util.ArrayList;
import java.util.List;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.LogStorage;

/**
 * The core's view of the log: the durable part in {@link LogStorage} (read only here) followed by
 * the {@link UnstableLog} tail that the runtime has yet to persist, plus the commit and apply
 * positions.
 *
 * <p>Invariants: {@code applied <= applying <= committed <= lastIndex()} and
 * {@code firstIndex() - 1 <= applied}.
 */
final class RaftLog {
    /** Returned by {@link #term} for an index outside the log (compacted or beyond its end). */
    static final long NO_TERM = -1;

    private final LogStorage storage;
    private final UnstableLog unstable;
    private final long maxApplyingBytes;

    private long committed;
    /** The highest index handed out for applying in a Ready. */
    private long applying;
    /** The highest index whose Ready was advanced. */
    private long applied;
    /** While set, no committed entries are handed out (the application is too far behind). */
    private boolean applyPaused;

    RaftLog(LogStorage storage, long applied, long committed, long maxApplyingBytes) {
        this.storage = storage;
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        this.maxApplyingBytes = maxApplyingBytes;
        long first = storage.firstIndex();
        if (applied < first - 1) {
            throw new IllegalArgumentException("the state machine is at index " + applied
                    + " but the log starts at " + first + ": entries in between are missing");
        }
        if (committed > storage.lastIndex() && committed > applied) {
            throw new IllegalArgumentException("commit index " + committed + " is beyond the last index "
                    + storage.lastIndex() + ": the log lost synced entries");
        }
        this.committed = Math.max(committed, applied);
        this.applying = applied;
        this.applied = applied;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long applying() {
        return applying;
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i != -1 ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i != -1 ? i : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /**
     * The last index known durable on this node: what a leader may count for itself (thesis
     * §10.2.1). Only meaningful while no snapshot is pending, which holds on a leader.
     */
    long lastStableIndex() {
        return unstable.offset() - 1;
    }

    /** The term of the entry at {@code index}, or {@link #NO_TERM} if it is compacted or beyond the end. */
    long term(long index) {
        long t = unstable.maybeTerm(index);
        if (t != -1) {
            return t;
        }
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return NO_TERM;
        }
        try {
            return storage.term(index);
        } catch (LogCompactedException | IndexOutOfBoundsException e) {
            // Compacted (or truncated) by the persistence thread since we looked at the bounds.
            return NO_TERM;
        }
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != NO_TERM && t == term;
    }

    /** Raft's up-to-date rule (thesis §3.6.1): a later last term wins, then a longer log. */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * A follower's append (thesis §3.5): if our log has {@code prevIndex} with {@code prevTerm},
     * append {@code ents} (dropping a conflicting suffix), advance the commit index and return the
     * index of the last new entry; otherwise return -1.
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + ents.size();
        long conflict = findConflict(ents);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with a committed entry (commit "
                        + committed + ")");
            }
            append(ents.subList((int) (conflict - prevIndex - 1), ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Appends entries (their first index must be within {@code (committed, lastIndex + 1]}). */
    long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException("appending after " + after + " would overwrite committed entries up to "
                    + committed);
        }
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    /**
     * The index of the first entry of {@code ents} whose term differs from ours, or the first new
     * one beyond our log, or 0 when every entry is already present.
     */
    private long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /**
     * The largest index {@code <= index} whose term is {@code <= term}, with that term: the follower's
     * hint that lets the leader skip a whole conflicting term in one round trip (thesis §5.4.2's
     * optimisation, as etcd-io/raft does it).
     */
    long[] findConflictByTerm(long index, long term) {
        long first = firstIndex();
        for (long i = index; i >= first - 1; i--) {
            long t = term(i);
            if (t == NO_TERM) {
                return new long[] {i, 0};
            }
            if (t <= term) {
                return new long[] {i, t};
            }
        }
        return new long[] {first - 1, 0};
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " is beyond the last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Commits {@code maxIndex} if it is from {@code term} (thesis §3.6.2: only current-term entries commit by counting). */
    boolean maybeCommit(long maxIndex, long term) {
        if (maxIndex > committed && maxIndex <= lastIndex() && term(maxIndex) == term) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- Ready plumbing

    boolean hasNextUnstableEntries() {
        return unstable.hasNextEntries();
    }

    List<Entry> nextUnstableEntries() {
        return unstable.nextEntries();
    }

    SnapshotMetadata nextUnstableSnapshot() {
        return unstable.nextSnapshot();
    }

    boolean hasPendingSnapshot() {
        return unstable.hasInProgressOrNextSnapshot();
    }

    void acceptUnstable() {
        unstable.acceptInProgress();
    }

    void setApplyPaused(boolean paused) {
        applyPaused = paused;
    }

    boolean hasNextCommittedEntries() {
        return !applyPaused && !hasPendingSnapshot() && applying < committed;
    }

    /** Committed entries not yet handed out, at most about {@code maxApplyingBytes} (always at least one). */
    List<Entry> nextCommittedEntries() {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        return slice(applying + 1, committed + 1, maxApplyingBytes);
    }

    void acceptApplying(long index) {
        applying = Math.max(applying, index);
    }

    void appliedTo(long index) {
        applied = Math.max(applied, index);
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapshotTo(long index) {
        unstable.stableSnapshotTo(index);
    }

    /** Replaces the log with a snapshot received from the leader (committed up to its index). */
    void restore(SnapshotMetadata s) {
        committed = s.getIndex();
        unstable.restore(s);
    }

    /** The snapshot a leader offers a peer whose entries are compacted: the newest it knows of. */
    SnapshotMetadata snapshot() {
        SnapshotMetadata pending = unstable.snapshot();
        return pending != null ? pending : storage.compactedTo();
    }

    /** Called when an installed snapshot has been restored into the state machine. */
    void appliedSnapshot(long index) {
        applying = Math.max(applying, index);
        applied = Math.max(applied, index);
    }

    /**
     * Entries {@code [lo, hi)}, stopping once {@code maxBytes} is exceeded (at least one entry).
     *
     * @throws LogCompactedException if {@code lo} is compacted
     */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo >= hi) {
            return List.of();
        }
        long first = firstIndex();
        if (lo < first) {
            throw new LogCompactedException(lo, first);
        }
        if (hi > lastIndex() + 1) {
            throw new IllegalArgumentException("slice [" + lo + "," + hi + ") beyond last index " + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long size = 0;
        long unstableFrom = unstable.offset();
        if (lo < unstableFrom) {
            long stableHi = Math.min(hi, unstableFrom);
            List<Entry> stable = storage.entries(lo, stableHi, maxBytes);
            for (Entry e : stable) {
                size += e.getSerializedSize();
                out.add(e);
            }
            if (out.size() < stableHi - lo || size >= maxBytes) {
                return out;
            }
        }
        if (hi > unstableFrom) {
            for (Entry e : unstable.slice(Math.max(lo, unstableFrom), hi)) {
                size += e.getSerializedSize();
                if (!out.isEmpty() && size > maxBytes) {
                    break;
                }
                out.add(e);
            }
        }
        return out;
    }

    /** Whether committed entries after {@code applied} contain a configuration change. */
    boolean hasUnappliedConfChange() {
        return hasConfChangeBetween(applied + 1, committed);
    }

    /** Whether the entries {@code [from, to]} contain a configuration change. */
    boolean hasConfChangeBetween(long from, long to) {
        long lo = from;
        long hi = to + 1;
        while (lo < hi) {
            List<Entry> page = slice(lo, hi, 8L << 20);
            for (Entry e : page) {
                if (e.getType() == org.understudy.raft.proto.EntryType.ENTRY_CONF_CHANGE) {
                    return true;
                }
            }
            lo += page.size();
        }
        return false;
    }

    @Override
    public String toString() {
        return "log[first=" + firstIndex() + " last=" + lastIndex() + " committed=" + committed + " applying="
                + applying + " applied=" + applied + " unstable@" + unstable.offset() + "]";
    }
}
