package org.understudy.client.balancer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.understudy.client.balancer.health.EndpointHealth;
import org.understudy.client.balancer.retry.Outcome;

/**
 * The balancer's Micrometer meters, all tagged {@code client=<clientName>} so several
 * balancers can share a registry. Without a registry every call does nothing.
 *
 * <p>Meters tagged with an endpoint are removed when the endpoint leaves the member list, so
 * the number of meters follows the cluster's size, not its history.
 */
final class BalancerMetrics implements AutoCloseable {

    static final String REQUESTS = "understudy.client.requests";
    static final String RETRIES = "understudy.client.retries";
    static final String RESULTS = "understudy.client.results";
    static final String CIRCUIT_STATE = "understudy.client.circuit.state";
    static final String CIRCUIT_OPENED = "understudy.client.circuit.opened";
    static final String SYNCS = "understudy.client.member.syncs";
    static final String IN_FLIGHT = "understudy.client.in_flight";
    static final String VOTERS = "understudy.client.voters";

    private final MeterRegistry registry;
    private final String client;
    private final Map<Meter.Id, Meter> meters = new ConcurrentHashMap<>();

    BalancerMetrics(MeterRegistry registry, String client) {
        this.registry = registry;
        this.client = client;
    }

    /** One attempt to one endpoint ended with {@code outcome}. */
    void attempt(Endpoint e, RequestKind kind, Outcome outcome) {
        count(REQUESTS, "attempts sent to one endpoint, by outcome",
                "endpoint", e.toString(), "kind", kind.name(), "outcome", outcome.name());
    }

    void retry(RequestKind kind, Outcome cause) {
        count(RETRIES, "requests sent again after a failed attempt", "kind", kind.name(), "cause", cause.name());
    }

    /** A request finished: {@code ok} or the {@link FailureReason}. */
    void result(RequestKind kind, String result) {
        count(RESULTS, "requests finished, by result", "kind", kind.name(), "result", result);
    }

    void sync(String result) {
        count(SYNCS, "member list fetches: applied, stale (ignored), failed", "result", result);
    }

    void circuitOpened(Endpoint e) {
        count(CIRCUIT_OPENED, "times an endpoint's circuit opened", "endpoint", e.toString());
    }

    /** The state gauge of a newly tracked endpoint: 0 closed, 1 half-open, 2 open. */
    void circuit(EndpointHealth h) {
        if (registry == null) {
            return;
        }
        Gauge g = Gauge.builder(CIRCUIT_STATE, h, x -> x.state().ordinal())
                .description("circuit state per endpoint: 0 closed, 1 half-open, 2 open")
                .tags("client", client, "endpoint", h.endpoint().toString())
                .strongReference(true)
                .register(registry);
        meters.put(g.getId(), g);
    }

    void gauges(Supplier<Number> inFlight, Supplier<Number> voters) {
        if (registry == null) {
            return;
        }
        Gauge a = Gauge.builder(IN_FLIGHT, inFlight).description("requests not finished yet")
                .tags("client", client).strongReference(true).register(registry);
        Gauge b = Gauge.builder(VOTERS, voters).description("voter endpoints in the member list")
                .tags("client", client).strongReference(true).register(registry);
        meters.put(a.getId(), a);
        meters.put(b.getId(), b);
    }

    /** Removes the meters of endpoints that left the member list. */
    void forget(Collection<Endpoint> gone) {
        if (registry == null || gone.isEmpty()) {
            return;
        }
        Set<String> names = new HashSet<>();
        gone.forEach(e -> names.add(e.toString()));
        meters.values().removeIf(m -> {
            String ep = m.getId().getTag("endpoint");
            if (ep != null && names.contains(ep)) {
                registry.remove(m);
                return true;
            }
            return false;
        });
    }

    @Override
    public void close() {
        if (registry == null) {
            return;
        }
        meters.values().forEach(registry::remove);
        meters.clear();
    }

    private void count(String name, String description, String... tags) {
        if (registry == null) {
            return;
        }
        Counter c = Counter.builder(name).description(description).tag("client", client).tags(tags).register(registry);
        meters.putIfAbsent(c.getId(), c);
        c.increment();
    }
}
