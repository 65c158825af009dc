package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.routing.ReadStrategy;
import org.understudy.client.balancer.spi.Reply;

class BalancerBuilderTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        BalancerOptions o = ClientBalancer.builder().options();
        assertThat(o).isEqualTo(BalancerOptions.defaults());
        assertThat(o.defaultDeadlineMillis()).isEqualTo(10_000);
        assertThat(o.attemptTimeoutMillis()).isEqualTo(3_000);
        assertThat(o.maxAttempts()).isEqualTo(10);
        assertThat(o.circuitFailureThreshold()).isEqualTo(3);
        assertThat(o.readStrategy()).isEqualTo(ReadStrategy.LEAST_OUTSTANDING);
        assertThat(o.maxInFlight()).isZero();
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> ClientBalancer.builder().maxAttempts(0).options()).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> ClientBalancer.builder().jitter(1.5).options()).hasMessageContaining("jitter");
        assertThatThrownBy(() -> ClientBalancer.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                .options()).hasMessageContaining("retryBackoff");
        assertThatThrownBy(() -> ClientBalancer.builder().minSyncInterval(Duration.ofMinutes(5)).options())
                .hasMessageContaining("minSyncInterval");
    }

    @Test
    void aTransportAndSomethingToRouteToAreRequired() {
        assertThatThrownBy(() -> ClientBalancer.builder().members(List.of(Member.voter("1", Endpoint.of("h", 1))))
                .build()).hasMessageContaining("ClientTransport");
        assertThatThrownBy(() -> ClientBalancer.builder()
                .transport((e, r) -> java.util.concurrent.CompletableFuture.completedFuture(Reply.ok(new byte[0])))
                .build()).hasMessageContaining("nothing to route to");
    }
}
