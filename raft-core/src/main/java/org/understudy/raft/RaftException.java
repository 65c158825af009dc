package org.understudy.raft;

import java.util.Map;
import java.util.Objects;

/**
 * A failure with a stable {@link ErrorCode}, a human sentence, and optional details (for example
 * {@code leaderHint} for {@link ErrorCode#NOT_LEADER} or {@code lag} for
 * {@link ErrorCode#LEARNER_NOT_READY}). Details are plain strings so that they travel unchanged
 * over any wire format.
 */
public class RaftException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, String> details;

    public RaftException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public RaftException(ErrorCode code, String message, Map<String, String> details) {
        this(code, message, details, null);
    }

    public RaftException(ErrorCode code, String message, Map<String, String> details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details);
    }

    /** A {@link ErrorCode#NOT_LEADER} error; {@code leaderHint} is 0 when no leader is known. */
    public static RaftException notLeader(long self, long leaderHint) {
        return notLeader(self, leaderHint, NodeIdFormat.DECIMAL);
    }

    /**
     * A {@link ErrorCode#NOT_LEADER} error whose message writes the ids with {@code ids}; the
     * {@code leaderHint} detail stays decimal.
     */
    public static RaftException notLeader(long self, long leaderHint, NodeIdFormat ids) {
        String msg = leaderHint == 0
                ? "node " + ids.format(self) + " is not the leader and knows no leader right now"
                : "node " + ids.format(self) + " is not the leader; the leader is node " + ids.format(leaderHint);
        return new RaftException(ErrorCode.NOT_LEADER, msg, Map.of("leaderHint", Long.toString(leaderHint)));
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, String> details() {
        return details;
    }

    /** The leader hint of a {@link ErrorCode#NOT_LEADER} error, or 0. */
    public long leaderHint() {
        String hint = details.get("leaderHint");
        return hint == null ? 0 : Long.parseLong(hint);
    }

    @Override
    public String toString() {
        return code + ": " + getMessage() + (details.isEmpty() ? "" : " " + details);
    }
}
