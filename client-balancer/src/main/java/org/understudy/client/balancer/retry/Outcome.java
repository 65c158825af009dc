package org.understudy.client.balancer.retry;

import org.understudy.client.balancer.ErrorCodes;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.health.HealthSignal;
import org.understudy.client.balancer.spi.Reply;

/** The class of one attempt's result, as far as routing, health and retries care. */
public enum Outcome {
    OK,
    /** The endpoint does not lead; not applied. */
    NOT_LEADER,
    /** The endpoint is a learner; not applied. */
    UNSUPPORTED_ON_LEARNER,
    /** The server answered UNAVAILABLE: a write may still commit later (RAFT-KV.md). */
    UNAVAILABLE,
    /** Any other server code: final, not applied. */
    SERVER_ERROR,
    /** The request never reached the server. */
    NOT_SENT,
    /** Sent, then no answer: may have been applied. */
    AMBIGUOUS,
    /** No answer within the attempt timeout: may have been applied. */
    TIMEOUT;

    public static Outcome of(Reply reply) {
        if (reply instanceof Reply.Ok) {
            return OK;
        }
        if (reply instanceof Reply.ConnectionFailure f) {
            return f.delivery() == Reply.Delivery.NOT_SENT ? NOT_SENT : AMBIGUOUS;
        }
        String code = ((Reply.ServerError) reply).code();
        return switch (code) {
            case ErrorCodes.NOT_LEADER -> NOT_LEADER;
            case ErrorCodes.UNSUPPORTED_ON_LEARNER -> UNSUPPORTED_ON_LEARNER;
            case ErrorCodes.UNAVAILABLE -> UNAVAILABLE;
            default -> SERVER_ERROR;
        };
    }

    /**
     * Whether the endpoint counts as healthy after this. A server that answers, even "not the
     * leader", is reachable; silence and UNAVAILABLE (no quorum from where it stands, overload,
     * shutdown) are failures, so a member cut off from the majority is routed around.
     */
    public HealthSignal healthSignal() {
        return switch (this) {
            case OK, NOT_LEADER, UNSUPPORTED_ON_LEARNER, SERVER_ERROR -> HealthSignal.SUCCESS;
            case UNAVAILABLE, NOT_SENT, AMBIGUOUS, TIMEOUT -> HealthSignal.FAILURE;
        };
    }

    /** Whether an attempt of {@code kind} that ended so may have changed state. */
    public boolean mayHaveApplied(RequestKind kind) {
        return kind == RequestKind.WRITE && (this == UNAVAILABLE || this == AMBIGUOUS || this == TIMEOUT);
    }
}
