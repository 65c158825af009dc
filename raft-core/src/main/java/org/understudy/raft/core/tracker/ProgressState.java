package org.understudy.raft.core.tracker;

/** How the leader replicates to one peer. */
public enum ProgressState {
    /** The leader does not know where the peer's log matches; it sends one append per heartbeat and waits. */
    PROBE,
    /** The logs match; the leader streams appends optimistically, bounded by the inflight window. */
    REPLICATE,
    /** The entries the peer needs are compacted; a snapshot is on its way and appends pause. */
    SNAPSHOT
}
