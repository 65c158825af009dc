package org.understudy.client.balancer.health;

/** What one finished attempt says about its endpoint's health. */
public enum HealthSignal {
    /** The server answered (even with an error such as NOT_LEADER): it is reachable. */
    SUCCESS,
    /** No answer, a timeout, or UNAVAILABLE: one more consecutive failure. */
    FAILURE,
    /** Nothing learned (the request's own deadline cut the attempt short). */
    NEUTRAL
}
