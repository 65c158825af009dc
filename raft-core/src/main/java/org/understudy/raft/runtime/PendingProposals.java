package org.understudy.raft.runtime;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;

/**
 * The futures of entries this node proposed, by position ({@link EntryId}), until their fate is
 * known. The event loop adds (right after the core accepted the proposal, so before the entry can
 * possibly be applied); the apply thread decides, by two rules:
 * <ol>
 *   <li>When the entry at index {@code i} is applied, a proposal at {@code i} succeeded iff its term
 *       is that entry's term; any other proposal at or below {@code i} was lost (overwritten by
 *       another leader's entry).</li>
 *   <li>When an applied entry has a higher term than a proposal, at any index below it, the
 *       proposal can never commit: every future leader holds that committed entry, and by Log
 *       Matching no log holding it can also hold the older proposal after it (terms only grow along
 *       a log). This is what settles the proposals of a deposed leader whose tail was truncated
 *       and whose indexes are not refilled: the new leader's first entry settles them.</li>
 * </ol>
 * Lost proposals fail with {@code UNAVAILABLE}: the command was not applied and may be retried.
 * The map is bounded because the core bounds the uncommitted tail
 * ({@code maxUncommittedEntriesSize}). Several proposals may share an index (a leader deposed and
 * re-elected re-uses the indexes of its truncated tail), hence the key (index, term).
 *
 * @param <R> the state machine's result type
 */
final class PendingProposals<R> {
    private static final Comparator<EntryId> BY_INDEX_THEN_TERM =
            Comparator.comparingLong(EntryId::index).thenComparingLong(EntryId::term);

    /** This node's id as the errors' messages write it. */
    private final String node;
    private final ConcurrentSkipListMap<EntryId, CompletableFuture<?>> pending =
            new ConcurrentSkipListMap<>(BY_INDEX_THEN_TERM);
    /** The highest term of an applied entry (or installed snapshot). Apply thread only. */
    private long appliedTerm;

    /** @param node this node's id as the errors' messages write it ({@link RaftNodeOptions#idFormat()}) */
    PendingProposals(String node) {
        this.node = node;
    }

    /** The term of the snapshot the state machine starts from. Call before the apply thread runs. */
    void startAt(long term) {
        appliedTerm = term;
    }

    void addProposal(EntryId id, CompletableFuture<R> future) {
        pending.put(id, future);
    }

    void addConfChange(EntryId id, CompletableFuture<ConfState> future) {
        pending.put(id, future);
    }

    /** A normal entry was applied with {@code result}. Apply thread. */
    @SuppressWarnings("unchecked")
    void appliedNormal(Entry entry, R result) {
        CompletableFuture<?> ours = settleUpTo(entry);
        if (ours != null) {
            ((CompletableFuture<R>) ours).complete(result);
        }
        settleOlderTerms(entry.getTerm());
    }

    /** A configuration change entry was applied, resulting in {@code result}. Apply thread. */
    @SuppressWarnings("unchecked")
    void appliedConfChange(Entry entry, ConfState result) {
        CompletableFuture<?> ours = settleUpTo(entry);
        if (ours != null) {
            ((CompletableFuture<ConfState>) ours).complete(result);
        }
        settleOlderTerms(entry.getTerm());
    }

    /**
     * A snapshot at {@code index} (whose last entry has {@code term}) replaced the state machine:
     * the entries up to it were never applied here one by one, so the outcome of proposals up to
     * it is unknown to this node. Apply thread.
     */
    void supersededUpTo(long index, long term) {
        for (Map.Entry<EntryId, CompletableFuture<?>> e = pending.firstEntry();
                e != null && e.getKey().index() <= index; e = pending.firstEntry()) {
            pending.remove(e.getKey());
            e.getValue().completeExceptionally(new RaftException(ErrorCode.UNAVAILABLE,
                    "node " + node + " installed a snapshot covering index " + e.getKey().index()
                            + "; the outcome of the proposal is unknown here",
                    Map.of("index", Long.toString(e.getKey().index()))));
        }
        settleOlderTerms(term);
    }

    int size() {
        return pending.size();
    }

    /** Settles every proposal at or below the entry's index; returns the one that is this entry. */
    private CompletableFuture<?> settleUpTo(Entry entry) {
        CompletableFuture<?> ours = null;
        for (Map.Entry<EntryId, CompletableFuture<?>> e = pending.firstEntry();
                e != null && e.getKey().index() <= entry.getIndex(); e = pending.firstEntry()) {
            pending.remove(e.getKey());
            if (e.getKey().index() == entry.getIndex() && e.getKey().term() == entry.getTerm()) {
                ours = e.getValue();
            } else {
                lost(e.getKey(), e.getValue(), "index " + entry.getIndex() + " now holds an entry of term "
                        + entry.getTerm());
            }
        }
        return ours;
    }

    private void settleOlderTerms(long term) {
        if (term <= appliedTerm) {
            return; // only a term change can settle anything: the scan is rare
        }
        appliedTerm = term;
        for (Iterator<Map.Entry<EntryId, CompletableFuture<?>>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<EntryId, CompletableFuture<?>> e = it.next();
            if (e.getKey().term() < term) {
                it.remove();
                lost(e.getKey(), e.getValue(), "an entry of the later term " + term + " committed before it");
            }
        }
    }

    private void lost(EntryId id, CompletableFuture<?> future, String why) {
        future.completeExceptionally(new RaftException(ErrorCode.UNAVAILABLE,
                "the entry proposed at index " + id.index() + " in term " + id.term()
                        + " was lost to a leader change (" + why + "); it was not applied and may be retried",
                Map.of("index", Long.toString(id.index()), "term", Long.toString(id.term()))));
    }
}
