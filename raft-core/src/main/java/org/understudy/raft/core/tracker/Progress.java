package org.understudy.raft.core.tracker;

import java.util.Objects;

/**
 * What the leader knows of one peer's log, and how it is replicating to it.
 *
 * <p>Invariant: {@code match < next}. {@code match} is the highest index known to be in the
 * peer's log; {@code next} is the index of the next entry to send. The state says how sending
 * proceeds:
 * <ul>
 *   <li>{@link ProgressState#PROBE}: the leader does not know where the logs agree. It sends one
 *       append and pauses until the answer (or the next heartbeat), then moves {@code next} back
 *       on rejection.</li>
 *   <li>{@link ProgressState#REPLICATE}: the logs agree up to {@code match}; appends stream
 *       optimistically ({@code next} moves ahead on send), bounded by the {@link Inflights}
 *       window.</li>
 *   <li>{@link ProgressState#SNAPSHOT}: the entries the peer needs are compacted away; a snapshot
 *       at {@code pendingSnapshot} is on its way and appends are paused.</li>
 * </ul>
 *
 * <p>Learners have a Progress exactly like voters (they receive every entry); the learner flag
 * only keeps them out of quorums. Mutable, one per peer, owned by the leader's single thread.
 */
public final class Progress {

    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    private long pendingSnapshot;
    private boolean learner;
    private boolean recentActive;
    private boolean msgAppFlowPaused;
    private final Inflights inflights;

    /**
     * A peer in {@link ProgressState#PROBE} state with {@code match} 0, not recently active.
     *
     * @param next the first index to probe with (at least 1)
     */
    public Progress(long next, Inflights inflights, boolean learner) {
        if (next < 1) {
            throw new IllegalArgumentException("next must be at least 1 (match 0 < next), was " + next);
        }
        this.next = next;
        this.inflights = Objects.requireNonNull(inflights, "inflights");
        this.learner = learner;
    }

    private Progress(Progress from) {
        this.match = from.match;
        this.next = from.next;
        this.state = from.state;
        this.pendingSnapshot = from.pendingSnapshot;
        this.learner = from.learner;
        this.recentActive = from.recentActive;
        this.msgAppFlowPaused = from.msgAppFlowPaused;
        this.inflights = from.inflights.copy();
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    /** @return the index of the snapshot in flight in {@link ProgressState#SNAPSHOT} state, else 0 */
    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean isLearner() {
        return learner;
    }

    public void setLearner(boolean learner) {
        this.learner = learner;
    }

    /**
     * @return whether the leader heard from the peer recently (CheckQuorum resets this every
     *     election timeout)
     */
    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean recentActive) {
        this.recentActive = recentActive;
    }

    public Inflights inflights() {
        return inflights;
    }

    /**
     * @return whether the leader should hold back appends: after a probe in
     *     {@link ProgressState#PROBE}, or with a full window in {@link ProgressState#REPLICATE}
     */
    public boolean msgAppFlowPaused() {
        return msgAppFlowPaused;
    }

    /** Set false by a heartbeat response, so a probing leader retries once per heartbeat. */
    public void setMsgAppFlowPaused(boolean paused) {
        this.msgAppFlowPaused = paused;
    }

    /**
     * Moves to {@link ProgressState#PROBE}. Leaving a snapshot, the peer is assumed to have the
     * snapshot once it is acknowledged, so probing starts right after it; otherwise it starts
     * just after the last known match.
     */
    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long snapshotIndex = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, snapshotIndex + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    /** Moves to {@link ProgressState#REPLICATE}: streaming from just after the match. */
    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    /** Moves to {@link ProgressState#SNAPSHOT}: a snapshot at the given index is being sent. */
    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /**
     * Forgets the snapshot in flight because its transfer failed, so that the next
     * {@link #becomeProbe()} restarts after {@code match} instead of after the snapshot the peer
     * never got. No effect outside {@link ProgressState#SNAPSHOT}.
     */
    public void abortSnapshot() {
        if (state == ProgressState.SNAPSHOT) {
            pendingSnapshot = 0;
        }
    }

    private void resetState(ProgressState newState) {
        msgAppFlowPaused = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    /**
     * Records that an append with {@code count} entries and {@code bytes} of payload was sent
     * from {@code next} on. In REPLICATE the window advances optimistically and pauses when full;
     * in PROBE a non-empty append pauses until its answer (one probe in flight at a time).
     *
     * @throws IllegalStateException in {@link ProgressState#SNAPSHOT} state, where no append may
     *     be sent
     */
    public void sentEntries(int count, long bytes) {
        switch (state) {
            case REPLICATE -> {
                if (count > 0) {
                    next += count;
                    inflights.add(next - 1, bytes);
                }
                msgAppFlowPaused = inflights.full();
            }
            case PROBE -> {
                if (count > 0) {
                    msgAppFlowPaused = true;
                }
            }
            case SNAPSHOT -> throw new IllegalStateException("can't send entries while a snapshot is pending: " + this);
        }
    }

    /** Records that an append without entries was sent as a probe: in PROBE, wait for its answer. */
    public void sentEmptyProbe() {
        if (state == ProgressState.PROBE) {
            msgAppFlowPaused = true;
        }
    }

    /**
     * Handles an acknowledgement up to index {@code n}.
     *
     * @return whether {@code match} moved forward (a stale or duplicate ack returns false)
     */
    public boolean maybeUpdate(long n) {
        boolean updated = false;
        if (n > match) {
            match = n;
            msgAppFlowPaused = false;
            updated = true;
        }
        next = Math.max(next, n + 1);
        return updated;
    }

    /**
     * Handles a rejected append of index {@code rejected}; {@code matchHint} is the peer's guess
     * of the last index where the logs may agree.
     *
     * <p>In REPLICATE a rejection at or below {@code match} is stale (the peer already has those
     * entries); otherwise the leader falls back to {@code match + 1} (the caller then moves to
     * PROBE). In PROBE and SNAPSHOT only the rejection of the probe just sent ({@code next - 1})
     * counts, since one probe is in flight at a time; {@code next} then moves back to the hint,
     * never below {@code match + 1}.
     *
     * @return false if the rejection was stale and nothing changed
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        msgAppFlowPaused = false;
        return true;
    }

    /** @return whether the leader must not send appends to this peer now */
    public boolean isPaused() {
        return switch (state) {
            case PROBE, REPLICATE -> msgAppFlowPaused;
            case SNAPSHOT -> true;
        };
    }

    /** @return an independent deep copy (the inflight window is copied too) */
    public Progress copy() {
        return new Progress(this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(state).append(" match=").append(match).append(" next=").append(next);
        if (learner) {
            sb.append(" learner");
        }
        if (isPaused()) {
            sb.append(" paused");
        }
        if (pendingSnapshot > 0) {
            sb.append(" pendingSnap=").append(pendingSnapshot);
        }
        if (!recentActive) {
            sb.append(" inactive");
        }
        if (inflights.count() > 0) {
            sb.append(" inflight=").append(inflights.count());
            if (inflights.full()) {
                sb.append("[full]");
            }
        }
        return sb.toString();
    }
}
