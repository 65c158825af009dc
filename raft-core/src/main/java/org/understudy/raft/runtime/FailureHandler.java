package org.understudy.raft.runtime;

/** How a node's threads report a failure that must stop the node (storage, state machine, bug). */
@FunctionalInterface
interface FailureHandler {
    /** Stops the node: it acknowledges nothing more and fails every pending request. Never throws. */
    void fail(String reason, Throwable cause);
}
