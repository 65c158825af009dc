package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestTest {

    @Test
    void optingInToRepeatAWriteNeedsARequestId() {
        assertThatThrownBy(() -> Request.write(new byte[1]).retryAfterAmbiguousFailure().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestId");
        Request r = Request.write(new byte[1]).requestId("x").retryAfterAmbiguousFailure().build();
        assertThat(r.mayRepeatAfterAmbiguousFailure()).isTrue();
    }

    @Test
    void onlySerializableReadsMayAllowALearner() {
        assertThatThrownBy(() -> Request.linearizableRead(new byte[0]).allowLearner().build())
                .hasMessageContaining("UNSUPPORTED_ON_LEARNER");
        assertThatThrownBy(() -> Request.write(new byte[0]).allowLearner().build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Request.serializableRead(new byte[0]).allowLearner().build().allowLearner()).isTrue();
    }

    @Test
    void onlyReadsIdempotentWritesAndOptedInWritesMayBeRepeated() {
        assertThat(Request.write(new byte[0]).build().mayRepeatAfterAmbiguousFailure()).isFalse();
        assertThat(Request.write(new byte[0]).requestId("id").build().mayRepeatAfterAmbiguousFailure())
                .as("an id alone is not an opt-in").isFalse();
        assertThat(Request.write(new byte[0]).idempotent().build().mayRepeatAfterAmbiguousFailure()).isTrue();
        assertThat(Request.linearizableRead(new byte[0]).build().mayRepeatAfterAmbiguousFailure()).isTrue();
    }

    @Test
    void thePayloadIsCopiedAndHandedOutReadOnly() {
        byte[] raw = {1, 2, 3};
        Request r = Request.write(raw).build();
        raw[0] = 9;
        assertThat(r.payloadBytes()).containsExactly(1, 2, 3);
        assertThat(r.payload().isReadOnly()).isTrue();
    }

    @Test
    void aDeadlineMustBePositive() {
        assertThatThrownBy(() -> Request.write(new byte[0]).deadline(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
