package org.understudy.client.balancer;

/** Why the balancer gave up on a request; the {@link BalancerException#code()} says what the caller can do. */
public enum FailureReason {
    /** The server answered with a code that retrying cannot fix (BAD_REQUEST, KEY_NOT_FOUND, ...). */
    SERVER_ERROR,
    /** The request's deadline passed: no endpoint answered usefully in time. */
    DEADLINE_EXCEEDED,
    /** Every allowed attempt ({@code maxAttempts}) was used. */
    ATTEMPTS_EXHAUSTED,
    /**
     * A write failed in a way that may have applied it, and repeating it was not made safe
     * (neither idempotent nor opted in with a request id), so the balancer did not repeat it.
     */
    AMBIGUOUS_NOT_RETRIED,
    /** The optional in-flight limit was reached; the request was never sent. */
    IN_FLIGHT_LIMIT,
    /** The balancer was closed before the request finished. */
    CLOSED
}
