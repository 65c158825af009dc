package org.understudy.client.balancer;

/**
 * The stable error code strings of DESIGN.md §7 that the balancer acts on. They are plain
 * strings, not an enum, because the server may answer codes this client does not know
 * (raft-kv's {@code KEY_NOT_FOUND}, {@code REVISION_MISMATCH}); those are handed to the
 * caller unchanged.
 */
public final class ErrorCodes {

    /** The endpoint is not the leader; the reply may carry the leader's id as a hint. Retried. */
    public static final String NOT_LEADER = "NOT_LEADER";
    /** The endpoint is a learner: the member list was stale. Retried elsewhere; triggers a sync. */
    public static final String UNSUPPORTED_ON_LEARNER = "UNSUPPORTED_ON_LEARNER";
    /**
     * No quorum, a timeout, overload or shutdown. Retried for reads; for a write it is
     * ambiguous (the server may commit it later), so it is retried only when that is safe.
     * Also the code of every failure the balancer itself gives up with.
     */
    public static final String UNAVAILABLE = "UNAVAILABLE";
    /** The request is malformed; never retried. */
    public static final String BAD_REQUEST = "BAD_REQUEST";

    private ErrorCodes() {
    }
}
