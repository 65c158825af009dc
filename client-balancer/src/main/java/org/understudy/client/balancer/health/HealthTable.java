package org.understudy.client.balancer.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.understudy.client.balancer.Endpoint;

/**
 * The health of every endpoint in the current member list, and of no other: entries of
 * endpoints that left the list are dropped ({@link #retain}), so memory follows the cluster's
 * size, not its history.
 */
public final class HealthTable {

    private final Map<Endpoint, EndpointHealth> byEndpoint = new ConcurrentHashMap<>();
    private final Function<Endpoint, CircuitBreaker> breakers;
    private final Consumer<EndpointHealth> onCreate;

    /**
     * @param breakers makes the circuit of a newly seen endpoint
     * @param onCreate told of each new entry (to register its gauge)
     */
    public HealthTable(Function<Endpoint, CircuitBreaker> breakers, Consumer<EndpointHealth> onCreate) {
        this.breakers = breakers;
        this.onCreate = onCreate;
    }

    /** The entry of {@code e}, created closed if new. */
    public EndpointHealth get(Endpoint e) {
        EndpointHealth h = byEndpoint.get(e);
        if (h != null) {
            return h;
        }
        EndpointHealth created = new EndpointHealth(e, breakers.apply(e));
        EndpointHealth raced = byEndpoint.putIfAbsent(e, created);
        if (raced != null) {
            return raced;
        }
        onCreate.accept(created);
        return created;
    }

    /** The entry of {@code e}, or null if the endpoint is not (or no longer) tracked. */
    public EndpointHealth peek(Endpoint e) {
        return byEndpoint.get(e);
    }

    /** Drops the entries of endpoints not in {@code keep}; returns the endpoints dropped. */
    public List<Endpoint> retain(Set<Endpoint> keep) {
        List<Endpoint> removed = new ArrayList<>();
        byEndpoint.keySet().removeIf(e -> {
            if (keep.contains(e)) {
                return false;
            }
            removed.add(e);
            return true;
        });
        return removed;
    }

    public Collection<EndpointHealth> all() {
        return byEndpoint.values();
    }
}
