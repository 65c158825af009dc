package org.understudy.client.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.Endpoint;

class CircuitBreakerTest {

    private static CircuitBreaker breaker() {
        return new CircuitBreaker(3, new Backoff(100, 1_000, 0, new Random(1)));
    }

    @Test
    void opensAfterTheThresholdOfConsecutiveFailuresOnly() {
        CircuitBreaker c = breaker();
        c.onFailure(0);
        c.onFailure(0);
        c.onSuccess();
        assertThat(c.onFailure(0)).isEqualTo(CircuitBreaker.Transition.NONE);
        c.onFailure(0);
        assertThat(c.onFailure(10)).isEqualTo(CircuitBreaker.Transition.OPENED);
        assertThat(c.state()).isEqualTo(CircuitState.OPEN);
        assertThat(c.retryAtMillis()).isEqualTo(110);
    }

    @Test
    void oneProbeAfterTheBackoffAFailedProbeDoublesItASuccessfulOneCloses() {
        CircuitBreaker c = breaker();
        for (int i = 0; i < 3; i++) {
            c.onFailure(0);
        }
        assertThat(c.tryStartProbe(99)).as("still backing off").isFalse();
        assertThat(c.tryStartProbe(100)).isTrue();
        assertThat(c.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(c.tryStartProbe(100)).as("one probe at a time").isFalse();
        assertThat(c.onFailure(100)).isEqualTo(CircuitBreaker.Transition.OPENED);
        assertThat(c.retryAtMillis()).isEqualTo(300);
        assertThat(c.tryStartProbe(300)).isTrue();
        assertThat(c.onSuccess()).isEqualTo(CircuitBreaker.Transition.CLOSED);
        for (int i = 0; i < 3; i++) {
            c.onFailure(1_000);
        }
        assertThat(c.retryAtMillis()).as("closing reset the backoff").isEqualTo(1_100);
    }

    @Test
    void anAbandonedProbeLeavesTheCircuitReadyToProbeAgain() {
        EndpointHealth h = new EndpointHealth(Endpoint.of("h", 1), breaker());
        for (int i = 0; i < 3; i++) {
            assertThat(h.admit(0, false)).isEqualTo(EndpointHealth.Admission.NORMAL);
            h.release(HealthSignal.FAILURE, false, 0);
        }
        assertThat(h.admit(50, true)).isEqualTo(EndpointHealth.Admission.REFUSED);
        assertThat(h.admit(100, false)).as("only requests that may probe").isEqualTo(EndpointHealth.Admission.REFUSED);
        assertThat(h.admit(100, true)).isEqualTo(EndpointHealth.Admission.PROBE);
        assertThat(h.outstanding()).isEqualTo(1);
        h.release(HealthSignal.NEUTRAL, true, 100);
        assertThat(h.outstanding()).isZero();
        assertThat(h.probeReady(100)).isTrue();
    }
}
