package org.understudy.client.balancer.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.Request;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.health.HealthSignal;
import org.understudy.client.balancer.spi.Reply;

class RetryPolicyTest {

    private static final Request WRITE = Request.write(new byte[0]).build();
    private static final Request SAFE_WRITE = Request.write(new byte[0]).requestId("r").retryAfterAmbiguousFailure().build();
    private static final Request READ = Request.linearizableRead(new byte[0]).build();

    @Test
    void classifiesReplies() {
        assertThat(Outcome.of(Reply.ok(new byte[0]))).isEqualTo(Outcome.OK);
        assertThat(Outcome.of(Reply.notLeader("2", ""))).isEqualTo(Outcome.NOT_LEADER);
        assertThat(Outcome.of(new Reply.ServerError("UNSUPPORTED_ON_LEARNER", "", Optional.empty())))
                .isEqualTo(Outcome.UNSUPPORTED_ON_LEARNER);
        assertThat(Outcome.of(Reply.error("UNAVAILABLE", ""))).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(Outcome.of(Reply.error("KEY_NOT_FOUND", ""))).isEqualTo(Outcome.SERVER_ERROR);
        assertThat(Outcome.of(Reply.notSent(""))).isEqualTo(Outcome.NOT_SENT);
        assertThat(Outcome.of(Reply.ambiguous(""))).isEqualTo(Outcome.AMBIGUOUS);
    }

    @Test
    void aServerThatAnswersIsHealthyEvenWhenItRefuses() {
        assertThat(Outcome.NOT_LEADER.healthSignal()).isEqualTo(HealthSignal.SUCCESS);
        assertThat(Outcome.SERVER_ERROR.healthSignal()).isEqualTo(HealthSignal.SUCCESS);
        assertThat(Outcome.UNAVAILABLE.healthSignal()).isEqualTo(HealthSignal.FAILURE);
        assertThat(Outcome.TIMEOUT.healthSignal()).isEqualTo(HealthSignal.FAILURE);
    }

    @Test
    void onlyFailuresAfterSendingMayHaveAppliedAWrite() {
        for (Outcome o : Outcome.values()) {
            boolean ambiguous = o == Outcome.AMBIGUOUS || o == Outcome.TIMEOUT || o == Outcome.UNAVAILABLE;
            assertThat(o.mayHaveApplied(RequestKind.WRITE)).as(o.name()).isEqualTo(ambiguous);
            assertThat(o.mayHaveApplied(RequestKind.LINEARIZABLE_READ)).isFalse();
        }
    }

    @Test
    void aWriteNotSafeToRepeatStopsAtTheFirstAmbiguousFailure() {
        for (Outcome o : new Outcome[] {Outcome.AMBIGUOUS, Outcome.TIMEOUT, Outcome.UNAVAILABLE}) {
            assertThat(RetryPolicy.decide(WRITE, o, false)).isEqualTo(Decision.FAIL_AMBIGUOUS);
            assertThat(RetryPolicy.decide(SAFE_WRITE, o, false)).isEqualTo(Decision.RETRY_LATER);
            assertThat(RetryPolicy.decide(READ, o, false)).isEqualTo(Decision.RETRY_LATER);
        }
        assertThat(RetryPolicy.decide(WRITE, Outcome.NOT_SENT, false)).isEqualTo(Decision.RETRY_LATER);
    }

    @Test
    void refusalsThatApplyNothingAreRetriedFinalErrorsAreNot() {
        assertThat(RetryPolicy.decide(WRITE, Outcome.NOT_LEADER, true)).isEqualTo(Decision.RETRY_NOW);
        assertThat(RetryPolicy.decide(WRITE, Outcome.NOT_LEADER, false)).isEqualTo(Decision.RETRY_LATER);
        assertThat(RetryPolicy.decide(READ, Outcome.UNSUPPORTED_ON_LEARNER, false)).isEqualTo(Decision.RETRY_NOW);
        assertThat(RetryPolicy.decide(READ, Outcome.SERVER_ERROR, false)).isEqualTo(Decision.FAIL_FINAL);
        assertThat(RetryPolicy.decide(WRITE, Outcome.OK, false)).isEqualTo(Decision.COMPLETE);
    }
}
