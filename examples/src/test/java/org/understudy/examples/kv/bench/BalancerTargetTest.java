package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.BalancerException;
import org.understudy.client.balancer.FailureReason;

/** How the balancer's failures are counted. */
class BalancerTargetTest {

    private static BalancerException failure(String code, FailureReason reason, boolean mayHaveBeenApplied) {
        return new BalancerException(code, reason, "test", List.of(), mayHaveBeenApplied, null);
    }

    @Test
    void aDeadlineIsATimeoutEvenForAWriteThatMayHaveBeenApplied() {
        assertThat(BalancerTarget.failed(failure("UNAVAILABLE", FailureReason.DEADLINE_EXCEEDED, true)))
                .isEqualTo(OpOutcome.TIMEOUT);
        assertThat(BalancerTarget.failed(failure("UNAVAILABLE", FailureReason.DEADLINE_EXCEEDED, false)))
                .isEqualTo(OpOutcome.TIMEOUT);
    }

    @Test
    void aWriteThatMayHaveBeenAppliedIsUnknown() {
        assertThat(BalancerTarget.failed(failure("UNAVAILABLE", FailureReason.AMBIGUOUS_NOT_RETRIED, true)))
                .isEqualTo(OpOutcome.UNKNOWN);
        assertThat(BalancerTarget.failed(new CompletionException(failure("UNAVAILABLE", FailureReason.CLOSED, true))))
                .isEqualTo(OpOutcome.UNKNOWN);
    }

    @Test
    void anAbsentKeyIsAServedReadAndOtherFailuresAreErrorsByCodeOrReason() {
        assertThat(BalancerTarget.failed(failure("KEY_NOT_FOUND", FailureReason.SERVER_ERROR, false)))
                .isEqualTo(OpOutcome.NOT_FOUND);
        assertThat(BalancerTarget.failed(failure("BAD_REQUEST", FailureReason.SERVER_ERROR, false)))
                .isEqualTo(OpOutcome.error("BAD_REQUEST"));
        assertThat(BalancerTarget.failed(failure("UNAVAILABLE", FailureReason.ATTEMPTS_EXHAUSTED, false)))
                .isEqualTo(OpOutcome.error("ATTEMPTS_EXHAUSTED"));
        assertThat(BalancerTarget.failed(failure("UNAVAILABLE", FailureReason.IN_FLIGHT_LIMIT, false)))
                .isEqualTo(OpOutcome.error("IN_FLIGHT_LIMIT"));
        assertThat(BalancerTarget.failed(new IllegalStateException("a bug")))
                .isEqualTo(OpOutcome.error(BalancerTarget.CLIENT_EXCEPTION));
    }
}
