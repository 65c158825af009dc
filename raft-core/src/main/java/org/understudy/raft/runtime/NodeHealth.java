package org.understudy.raft.runtime;

/** Where a {@link RaftNode} is in its life. */
public enum NodeHealth {
    /** Created, not started yet. */
    NEW,
    /** Started and serving. */
    RUNNING,
    /**
     * Stopped by a failure it cannot recover from (storage failure, a state machine that threw):
     * it acknowledges nothing any more; {@link NodeStatus#failureReason()} says why. Close it.
     */
    FAILED,
    /** Closed by {@link RaftNode#close()}. */
    CLOSED
}
