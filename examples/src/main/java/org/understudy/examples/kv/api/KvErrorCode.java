package org.understudy.examples.kv.api;

/**
 * The error codes a raft-kv client sees, with their HTTP statuses (RAFT-KV.md): the library's codes
 * of DESIGN.md §7 plus the store's own. The code strings are a public contract: never rename one.
 */
public enum KvErrorCode {
    BAD_REQUEST(400),
    UNSUPPORTED_ON_LEARNER(403),
    KEY_NOT_FOUND(404),
    MEMBER_NOT_FOUND(404),
    /** An unknown route or method (RAFT-KV.md names no code for it). */
    NOT_FOUND(404),
    CONF_CHANGE_IN_PROGRESS(409),
    /** A body over the server's limit. */
    PAYLOAD_TOO_LARGE(413),
    REVISION_MISMATCH(412),
    LEARNER_NOT_READY(412),
    NOT_A_LEARNER(412),
    TOO_MANY_LEARNERS(429),
    INVALID_PEER_URL(400),
    /** Not the leader; the HTTP layer forwards once, so a client sees it only when no leader is known. */
    NOT_LEADER(503),
    UNAVAILABLE(503);

    private final int httpStatus;

    KvErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
