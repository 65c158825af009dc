package org.understudy.raft;

/**
 * The stable codes of failures a caller can act on (DESIGN.md §7). The string form of each
 * constant is part of the public contract: clients match on it, so constants are never renamed.
 */
public enum ErrorCode {
    /** This node is not the leader; the error carries a leader hint when one is known. */
    NOT_LEADER,
    /** A learner was asked for something only a voter may do: a write, a linearizable read, leadership. */
    UNSUPPORTED_ON_LEARNER,
    /** A promotion was refused because the learner is not caught up or not healthy; carries the lag. */
    LEARNER_NOT_READY,
    /** Adding one more learner would exceed the configured limit. */
    TOO_MANY_LEARNERS,
    /** No member has the given id. */
    MEMBER_NOT_FOUND,
    /** The member to promote is not a learner. */
    NOT_A_LEARNER,
    /** A configuration change is still pending; only one may be in flight at a time. */
    CONF_CHANGE_IN_PROGRESS,
    /** A peer URL could not be parsed or is not usable. */
    INVALID_PEER_URL,
    /** No quorum, a timeout, an overloaded node, or a node that is shutting down. Retrying may succeed. */
    UNAVAILABLE,
    /** The request itself is malformed; retrying the same request will fail again. */
    BAD_REQUEST
}
