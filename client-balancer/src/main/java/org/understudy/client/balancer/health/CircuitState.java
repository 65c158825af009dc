package org.understudy.client.balancer.health;

/** The state of an endpoint's circuit; the ordinal is the value of the circuit-state gauge. */
public enum CircuitState {
    /** Healthy: requests are sent. */
    CLOSED,
    /** The backoff has passed and one probe is in flight; nothing else is sent until it answers. */
    HALF_OPEN,
    /** Failing: nothing is sent until the backoff passes. */
    OPEN
}
