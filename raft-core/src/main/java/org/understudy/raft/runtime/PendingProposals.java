package org.understudy.raft.runtime;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;

/**
 * The futures of entries this node proposed, by log index, until the entry at that index is
 * applied. The event loop adds (right after the core accepted the proposal, so before the entry can
 * possibly be applied); the apply thread completes.
 *
 * <p>An entry is known to be ours only if the entry applied at its index has the term the core
 * gave it ({@link EntryId}); any other term means it was overwritten by a new leader, and the
 * future fails with {@code UNAVAILABLE} (the command was not applied and may be retried). The map
 * is bounded because the core bounds the uncommitted tail ({@code maxUncommittedEntriesSize}).
 *
 * @param <R> the state machine's result type
 */
final class PendingProposals<R> {
    private record Pending(long term, CompletableFuture<?> future, boolean confChange) {}

    private final long nodeId;
    private final NavigableMap<Long, Pending> byIndex = new ConcurrentSkipListMap<>();

    PendingProposals(long nodeId) {
        this.nodeId = nodeId;
    }

    void addProposal(EntryId id, CompletableFuture<R> future) {
        byIndex.put(id.index(), new Pending(id.term(), future, false));
    }

    void addConfChange(EntryId id, CompletableFuture<ConfState> future) {
        byIndex.put(id.index(), new Pending(id.term(), future, true));
    }

    /** A normal entry was applied with {@code result}. Apply thread. */
    @SuppressWarnings("unchecked")
    void appliedNormal(Entry entry, R result) {
        Pending p = take(entry);
        if (p != null) {
            ((CompletableFuture<R>) p.future()).complete(result);
        }
    }

    /** A configuration change entry was applied, resulting in {@code result}. Apply thread. */
    @SuppressWarnings("unchecked")
    void appliedConfChange(Entry entry, ConfState result) {
        Pending p = take(entry);
        if (p != null) {
            ((CompletableFuture<ConfState>) p.future()).complete(result);
        }
    }

    /**
     * A snapshot at {@code index} replaced the state machine: the entries up to it were never
     * applied here one by one, so their outcome is unknown to this node. Apply thread.
     */
    void supersededUpTo(long index) {
        NavigableMap<Long, Pending> head = byIndex.headMap(index, true);
        for (Map.Entry<Long, Pending> e : head.entrySet()) {
            e.getValue().future().completeExceptionally(new RaftException(ErrorCode.UNAVAILABLE,
                    "node " + nodeId + " installed a snapshot covering index " + e.getKey()
                            + "; the outcome of the proposal is unknown here",
                    Map.of("index", Long.toString(e.getKey()))));
        }
        head.clear();
    }

    int size() {
        return byIndex.size();
    }

    /** Removes the pending future at the entry's index; fails and drops it if the term differs. */
    private Pending take(Entry entry) {
        Pending p = byIndex.remove(entry.getIndex());
        if (p == null) {
            return null;
        }
        boolean sameEntry = p.term() == entry.getTerm();
        if (!sameEntry || p.confChange() != (entry.getTypeValue() == 1)) {
            p.future().completeExceptionally(new RaftException(ErrorCode.UNAVAILABLE,
                    "the entry proposed at index " + entry.getIndex() + " in term " + p.term()
                            + " was lost to a leader change (index now holds term " + entry.getTerm() + ")",
                    Map.of("index", Long.toString(entry.getIndex()), "term", Long.toString(p.term()))));
            return null;
        }
        return p;
    }
}
