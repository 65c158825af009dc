package org.understudy.client.balancer.retry;

import org.understudy.client.balancer.Request;

/**
 * The retry rules. Pure; the attempt budget and the deadline are checked by the caller.
 *
 * <ol>
 *   <li>OK completes; any server code other than NOT_LEADER, UNSUPPORTED_ON_LEARNER and
 *       UNAVAILABLE is final.</li>
 *   <li>A failure that may have applied a write (sent but unanswered, timed out, or UNAVAILABLE)
 *       ends a write that is not safe to repeat: never idempotent and no opt-in with a request
 *       id. Repeating it could apply it twice, and only the caller can know whether that is
 *       harmless.</li>
 *   <li>NOT_LEADER with a hint naming a usable voter is retried at once (one hop to the leader);
 *       without one, after the backoff (an election is probably running).</li>
 *   <li>UNSUPPORTED_ON_LEARNER is retried at once on another endpoint: nothing was applied and
 *       the member list was merely stale.</li>
 *   <li>Connection failures, timeouts and UNAVAILABLE are retried after the backoff.</li>
 * </ol>
 */
public final class RetryPolicy {

    private RetryPolicy() {
    }

    /**
     * @param hintFollowable the reply was NOT_LEADER naming a voter we can route to and have not
     *     tried in this request
     */
    public static Decision decide(Request request, Outcome outcome, boolean hintFollowable) {
        if (outcome == Outcome.OK) {
            return Decision.COMPLETE;
        }
        if (outcome == Outcome.SERVER_ERROR) {
            return Decision.FAIL_FINAL;
        }
        if (outcome.mayHaveApplied(request.kind()) && !request.mayRepeatAfterAmbiguousFailure()) {
            return Decision.FAIL_AMBIGUOUS;
        }
        return switch (outcome) {
            case NOT_LEADER -> hintFollowable ? Decision.RETRY_NOW : Decision.RETRY_LATER;
            case UNSUPPORTED_ON_LEARNER -> Decision.RETRY_NOW;
            default -> Decision.RETRY_LATER;
        };
    }
}
