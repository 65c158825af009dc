package org.understudy.raft.spi.kit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;

/**
 * The parent's knowledge of the store: the state as of the last {@code SYNCED} line (durable,
 * promised) and the writes announced since (which a crash may or may not have kept).
 *
 * <h2>What a crash may leave behind</h2>
 * {@link LogStorage#sync()} promises only that what was written before it is durable; of the writes
 * after the last sync, any may be lost and any may survive. So after a kill, each part of the store
 * is checked against every state the writes could have left:
 * <ul>
 *   <li>the hard state is the last synced one or one set after it;</li>
 *   <li>the compaction point is the last synced one or one compacted to after it;</li>
 *   <li>the entries are the synced log with some prefix of the later appends and truncations
 *       applied, the last of them possibly only in part: an append cut short (the old log up to its
 *       first index, then some of its entries) or a removal cut short (the old log cut anywhere from
 *       the removal point to its end).</li>
 * </ul>
 * The parts are checked separately because an engine may keep them in separate files, synced at
 * different moments. Any other log has lost or changed something that a sync had made durable,
 * or holds something nobody wrote.
 *
 * @see CrashLine
 */
final class CrashModel {

    /** The synced state; exact after {@link #rebase} or a clean reopen. */
    private ModelLog synced = new ModelLog();
    /** Writes announced after the last sync, oldest first. */
    private final List<CrashLine> pending = new ArrayList<>();
    private CrashLine lastSyncedLine;

    /** A {@code READY} line: a freshly opened store must be exactly the state the model holds. */
    void ready(CrashLine line, String where) {
        requireNothingPending(line, where);
        LogSummary expected = synced.summary();
        if (!line.summary().equals(expected)) {
            throw new AssertionError(where + ": the writer opened the store and found " + line.summary()
                    + ", but the parent left it at " + expected + " and closed it cleanly");
        }
    }

    /** An announced write ({@code APPEND}, {@code TRUNCATE}, {@code COMPACT}, {@code HARDSTATE}). */
    void announce(CrashLine write) {
        switch (write.kind()) {
            case APPEND, TRUNCATE, COMPACT, HARDSTATE -> pending.add(write);
            default -> throw new IllegalArgumentException("not a write: " + write);
        }
    }

    /**
     * A {@code SYNCED} line: every announced write is now durable. The writer's summary of its
     * live log must match the writes it announced, else the engine answers wrongly even without a
     * crash.
     */
    void synced(CrashLine line, String where) {
        ModelLog next = synced.copy();
        for (CrashLine write : pending) {
            next.apply(write);
        }
        LogSummary expected = next.summary();
        if (!line.summary().equals(expected)) {
            throw new AssertionError(where + ": after sync #" + line.arg(0) + " the writer's store reports "
                    + line.summary() + ", but the writes it announced give " + expected + "; writes: " + pending);
        }
        synced = next;
        pending.clear();
        lastSyncedLine = line;
    }

    /** The parent's own writes, all followed by a sync that returned: the model takes them as synced. */
    void syncedOwnWrites(List<CrashLine> writes) {
        requireNothingPending(null, "parent");
        for (CrashLine write : writes) {
            synced.apply(write);
        }
    }

    /**
     * Checks a store reopened after a kill against every state the crash may have left (see the
     * class comment) and describes which one it is.
     *
     * @throws AssertionError naming what was lost or changed
     */
    String checkRecovered(RecoveredLog r, String where) {
        List<HardState> hardStates = new ArrayList<>(List.of(synced.hardState));
        List<SnapshotMetadata> compactions = new ArrayList<>(List.of(synced.compactedTo));
        for (CrashLine write : pending) {
            if (write.kind() == CrashLine.Kind.HARDSTATE) {
                hardStates.add(ModelLog.hardState(write));
            } else if (write.kind() == CrashLine.Kind.COMPACT) {
                compactions.add(CrashEntries.snapshot(write.arg(0), write.arg(1)));
            }
        }
        String entries = matchEntries(r);
        if (entries == null) {
            throw new AssertionError(where + ": the reopened log holds " + r + ": " + firstDifference(r)
                    + context());
        }
        if (!hardStates.contains(r.hardState)) {
            throw new AssertionError(where + ": the reopened store's hard state is " + text(r.hardState)
                    + "; it must be the last synced one, " + text(synced.hardState) + ", or one set after it "
                    + hardStates.subList(1, hardStates.size()).stream().map(CrashModel::text).toList() + context());
        }
        if (!compactions.contains(r.compactedTo)) {
            throw new AssertionError(where + ": the reopened log is compacted to " + text(r.compactedTo)
                    + "; it must be the last synced compaction, " + text(synced.compactedTo) + ", or one made after it "
                    + compactions.subList(1, compactions.size()).stream().map(CrashModel::text).toList() + context());
        }
        int hsAt = hardStates.indexOf(r.hardState);
        int compactionAt = compactions.indexOf(r.compactedTo);
        return "entries: " + entries
                + "; hard state: " + (hsAt == 0 ? "the synced one" : "set after the last sync (" + hsAt + " of " + (hardStates.size() - 1) + ")")
                + "; compaction: " + (compactionAt == 0 ? "the synced one" : "made after the last sync");
    }

    /** Takes a store that passed {@link #checkRecovered} (or was closed cleanly) as the synced state. */
    void rebase(RecoveredLog r) {
        ModelLog next = synced.copy();
        next.truncate(r.firstIndex); // below firstIndex the old terms stay: compacted, never compared again
        next.set(r.firstIndex - 1, r.compactedTo.getTerm());
        for (long i = r.firstIndex; i <= r.lastIndex; i++) {
            next.set(i, r.term(i));
        }
        next.last = r.lastIndex;
        next.compactedTo = r.compactedTo;
        next.hardState = r.hardState;
        synced = next;
        pending.clear();
        lastSyncedLine = null;
    }

    LogSummary summary() {
        return synced.summary();
    }

    /** The highest term the synced state knows of. */
    long maxTerm() {
        return Math.max(synced.term(synced.last), Math.max(synced.hardState.getTerm(), synced.compactedTo.getTerm()));
    }

    int pendingWrites() {
        return pending.size();
    }

    /** The entries' part of {@link #checkRecovered}: which candidate log {@code r} is, or null for none. */
    private String matchEntries(RecoveredLog r) {
        ModelLog candidate = synced.copy();
        if (candidate.matches(r)) {
            return "the synced log" + (pending.isEmpty() ? "" : " (none of the " + pending.size() + " later writes)");
        }
        int applied = 0;
        for (CrashLine write : pending) {
            if (write.kind() == CrashLine.Kind.APPEND || write.kind() == CrashLine.Kind.TRUNCATE) {
                long from = write.arg(0);
                if (candidate.matchesPrefix(r, from - 1)) {
                    return "the synced log with " + applied + " later writes, then part of the removal in " + write;
                }
                if (write.kind() == CrashLine.Kind.APPEND && candidate.matchesPartialAppend(r, from, write.arg(1), write.arg(2))) {
                    return "the synced log with " + applied + " later writes, then entries " + from + ".." + r.lastIndex
                            + " of " + write;
                }
            }
            candidate.apply(write);
            applied++;
            if (candidate.matches(r)) {
                return "the synced log with " + applied + " of the " + pending.size() + " later writes";
            }
        }
        return null;
    }

    /** Where {@code r} first departs from the synced log, in words. */
    private String firstDifference(RecoveredLog r) {
        long end = Math.min(r.lastIndex, synced.last);
        for (long i = r.firstIndex; i <= end; i++) {
            if (r.term(i) != synced.term(i)) {
                return "entry " + i + " was synced in term " + synced.term(i) + " but is in term " + r.term(i)
                        + " now, and no write announced after the sync explains that";
            }
        }
        if (r.lastIndex < synced.last) {
            return "entries " + (r.lastIndex + 1) + ".." + synced.last + " were synced but the log now ends at "
                    + r.lastIndex + ", and no removal announced after the sync explains that";
        }
        return "it holds entries " + (synced.last + 1) + ".." + r.lastIndex + " beyond the last synced entry "
                + synced.last + " that no append announced after the sync explains";
    }

    private String context() {
        return ". Last sync: " + (lastSyncedLine == null ? "none in this round" : lastSyncedLine.summary()
                + " (sync #" + lastSyncedLine.arg(0) + ")") + "; writes announced after it: " + pending;
    }

    private void requireNothingPending(CrashLine line, String where) {
        if (!pending.isEmpty()) {
            throw new IllegalStateException(where + ": " + (line == null ? "own writes" : line)
                    + " while writes are pending: " + pending);
        }
    }

    private static String text(HardState hs) {
        return "(term " + hs.getTerm() + ", vote " + hs.getVote() + ", commit " + hs.getCommit() + ")";
    }

    private static String text(SnapshotMetadata m) {
        return m.getIndex() + "/" + m.getTerm() + " " + m.getConfState().toString().replace('\n', ' ').strip();
    }

    /** A log reduced to what the checks need: the term of each index, the bounds, the hard state. */
    private static final class ModelLog {
        private long[] terms = new long[1024]; // terms[i] for 0 <= i <= last; index 0 has term 0
        long last;
        SnapshotMetadata compactedTo = SnapshotMetadata.getDefaultInstance();
        HardState hardState = HardState.getDefaultInstance();

        ModelLog copy() {
            ModelLog c = new ModelLog();
            c.terms = Arrays.copyOf(terms, terms.length);
            c.last = last;
            c.compactedTo = compactedTo;
            c.hardState = hardState;
            return c;
        }

        void apply(CrashLine write) {
            switch (write.kind()) {
                case APPEND -> {
                    long from = write.arg(0);
                    if (from > last + 1 || from <= compactedTo.getIndex()) {
                        throw new IllegalStateException("the writer announced " + write + " on a log with entries "
                                + (compactedTo.getIndex() + 1) + ".." + last);
                    }
                    for (long i = from; i <= write.arg(1); i++) {
                        set(i, write.arg(2));
                    }
                    last = write.arg(1);
                }
                case TRUNCATE -> truncate(write.arg(0));
                case COMPACT -> {
                    if (term(write.arg(0)) != write.arg(1) || write.arg(0) > last) {
                        throw new IllegalStateException("the writer announced " + write + " on a log where entry "
                                + write.arg(0) + " has term " + term(write.arg(0)));
                    }
                    compactedTo = CrashEntries.snapshot(write.arg(0), write.arg(1));
                }
                case HARDSTATE -> hardState = hardState(write);
                default -> throw new IllegalArgumentException("not a write: " + write);
            }
        }

        static HardState hardState(CrashLine write) {
            return HardState.newBuilder().setTerm(write.arg(0)).setVote(write.arg(1)).setCommit(write.arg(2)).build();
        }

        void truncate(long from) {
            last = Math.min(last, from - 1);
        }

        void set(long index, long term) {
            if (index >= terms.length) {
                terms = Arrays.copyOf(terms, (int) Math.max(index + 1, terms.length * 2L));
            }
            terms[(int) index] = term;
        }

        long term(long index) {
            return index <= last ? terms[(int) index] : -1;
        }

        LogSummary summary() {
            return new LogSummary(compactedTo.getIndex() + 1, last, term(last), hardState.getTerm(), hardState.getVote(),
                    hardState.getCommit(), compactedTo.getIndex(), compactedTo.getTerm());
        }

        /** {@code r} holds exactly this log from its first index on. */
        boolean matches(RecoveredLog r) {
            return r.lastIndex == last && sameTerms(r, r.firstIndex, r.lastIndex);
        }

        /** {@code r} is this log cut somewhere between {@code cutFrom} and its end (a removal cut short). */
        boolean matchesPrefix(RecoveredLog r, long cutFrom) {
            return r.lastIndex >= cutFrom && r.lastIndex <= last && sameTerms(r, r.firstIndex, r.lastIndex);
        }

        /** {@code r} is this log up to {@code from - 1}, then some but not all of the entries {@code from..to} of {@code term}. */
        boolean matchesPartialAppend(RecoveredLog r, long from, long to, long term) {
            if (r.lastIndex < from || r.lastIndex >= to || !sameTerms(r, r.firstIndex, from - 1)) {
                return false;
            }
            for (long i = Math.max(from, r.firstIndex); i <= r.lastIndex; i++) {
                if (r.term(i) != term) {
                    return false;
                }
            }
            return true;
        }

        private boolean sameTerms(RecoveredLog r, long lo, long hi) {
            if (hi > last) {
                return false;
            }
            for (long i = lo; i <= hi; i++) {
                if (r.term(i) != terms[(int) i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
