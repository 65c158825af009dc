package org.understudy.client.balancer.routing;

/** How reads are spread over the healthy voters. */
public enum ReadStrategy {
    /** Each read goes to the next endpoint in turn: even and predictable. */
    ROUND_ROBIN,
    /**
     * Each read goes to the endpoint with the fewest attempts outstanding (ties in turn). Under
     * light load this is round-robin; under load it steers away from a slow member (a voter
     * busy with a snapshot, a GC pause) without any timing measurements.
     */
    LEAST_OUTSTANDING
}
