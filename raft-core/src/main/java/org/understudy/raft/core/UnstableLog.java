package org.understudy.raft.core;

import java.util.ArrayList;
import java.util.List;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;

/**
 * The tail of the log that is not yet durable: entries (and possibly a snapshot received from the
 * leader) that a {@link Ready} has handed out, or is about to hand out, for persisting.
 *
 * <p>Entries are {@code entries[i].index == offset + i}. Those before {@code offsetInProgress} are
 * being persisted by a Ready that has not been advanced yet; those after it have not been handed out.
 * A pending snapshot always precedes the entries: {@code snapshot.index + 1 == offset}.
 */
final class UnstableLog {
    private SnapshotMetadata snapshot;
    private boolean snapshotInProgress;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long offset;
    private long offsetInProgress;

    UnstableLog(long offset) {
        this.offset = offset;
        this.offsetInProgress = offset;
    }

    long offset() {
        return offset;
    }

    SnapshotMetadata snapshot() {
        return snapshot;
    }

    /** The first index if a snapshot is pending, else -1 (the stable log knows it). */
    long maybeFirstIndex() {
        return snapshot == null ? -1 : snapshot.getIndex() + 1;
    }

    /** The last index if this tail holds anything, else -1. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot == null ? -1 : snapshot.getIndex();
    }

    /** The term at {@code index} if this tail knows it, else -1. */
    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.getIndex() == index) {
                return snapshot.getTerm();
            }
            return -1;
        }
        long last = maybeLastIndex();
        if (last == -1 || index > last) {
            return -1;
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    boolean hasNextEntries() {
        return offset + entries.size() > offsetInProgress;
    }

    /** Entries not yet handed out for persisting. */
    List<Entry> nextEntries() {
        int from = (int) (offsetInProgress - offset);
        if (from >= entries.size()) {
            return List.of();
        }
        return List.copyOf(entries.subList(from, entries.size()));
    }

    /** The pending snapshot if not yet handed out, else null. */
    SnapshotMetadata nextSnapshot() {
        return snapshot == null || snapshotInProgress ? null : snapshot;
    }

    boolean hasInProgressOrNextSnapshot() {
        return snapshot != null;
    }

    /** Marks everything currently held as handed out to a Ready. */
    void acceptInProgress() {
        offsetInProgress = offset + entries.size();
        snapshotInProgress = snapshot != null;
    }

    /**
     * Entries through {@code index} are durable, provided the entry at {@code index} still has
     * {@code term}; if it was overwritten meanwhile, the newer entries are not durable yet.
     */
    void stableTo(long index, long term) {
        if (index < offset || maybeTerm(index) != term) {
            return;
        }
        int n = (int) (index + 1 - offset);
        entries.subList(0, n).clear();
        offset = index + 1;
        offsetInProgress = Math.max(offsetInProgress, offset);
        if (entries.isEmpty()) {
            entries.trimToSize();
        }
    }

    /** The pending snapshot at {@code index} is durable. */
    void stableSnapshotTo(long index) {
        if (snapshot != null && snapshot.getIndex() == index) {
            snapshot = null;
            snapshotInProgress = false;
        }
    }

    /** Replaces everything with a snapshot received from the leader. */
    void restore(SnapshotMetadata s) {
        offset = s.getIndex() + 1;
        offsetInProgress = offset;
        entries.clear();
        snapshot = s;
        snapshotInProgress = false;
    }

    /** Appends {@code ents}, first dropping whatever they overwrite. */
    void truncateAndAppend(List<Entry> ents) {
        long from = ents.get(0).getIndex();
        if (from == offset + entries.size()) {
            entries.addAll(ents);
        } else if (from <= offset) {
            // Everything we hold is replaced; the stable log will be overwritten from `from` on.
            entries.clear();
            entries.addAll(ents);
            offset = from;
            offsetInProgress = offset;
        } else {
            entries.subList((int) (from - offset), entries.size()).clear();
            entries.addAll(ents);
            offsetInProgress = Math.min(offsetInProgress, from);
        }
    }

    /** Entries {@code [lo, hi)}, which must lie within this tail. */
    List<Entry> slice(long lo, long hi) {
        if (lo < offset || hi > offset + entries.size() || lo > hi) {
            throw new IllegalArgumentException("unstable slice [" + lo + "," + hi + ") out of [" + offset + ","
                    + (offset + entries.size()) + ")");
        }
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
