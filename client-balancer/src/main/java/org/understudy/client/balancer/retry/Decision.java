package org.understudy.client.balancer.retry;

import org.understudy.client.balancer.FailureReason;

/** What to do after an attempt. */
public enum Decision {
    /** The request succeeded. */
    COMPLETE,
    /** Try another endpoint at once (a followable leader hint, a learner's refusal). */
    RETRY_NOW,
    /** Try again after the retry backoff. */
    RETRY_LATER,
    /** Stop: the server's answer is final ({@link FailureReason#SERVER_ERROR}). */
    FAIL_FINAL,
    /** Stop: the write may have been applied and repeating it was not made safe. */
    FAIL_AMBIGUOUS
}
