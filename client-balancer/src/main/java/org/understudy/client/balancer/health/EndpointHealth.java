package org.understudy.client.balancer.health;

import org.understudy.client.balancer.Endpoint;

/**
 * The health of one endpoint: its circuit and how many attempts are outstanding on it
 * (for least-outstanding routing). Thread-safe; every method is short and does no I/O.
 */
public final class EndpointHealth {

    /** How an attempt was let through. */
    public enum Admission {
        /** The circuit is closed. */
        NORMAL,
        /** The circuit was open and its backoff has passed: this attempt is the one probe. */
        PROBE,
        /** Not now. */
        REFUSED
    }

    private final Endpoint endpoint;
    private final CircuitBreaker breaker;
    private int outstanding;

    public EndpointHealth(Endpoint endpoint, CircuitBreaker breaker) {
        this.endpoint = endpoint;
        this.breaker = breaker;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public synchronized CircuitState state() {
        return breaker.state();
    }

    public synchronized boolean isClosed() {
        return breaker.state() == CircuitState.CLOSED;
    }

    public synchronized boolean probeReady(long nowMillis) {
        return breaker.probeReady(nowMillis);
    }

    public synchronized long retryAtMillis() {
        return breaker.retryAtMillis();
    }

    public synchronized int outstanding() {
        return outstanding;
    }

    /**
     * Lets an attempt through a closed circuit, or as the probe of an open one whose backoff
     * has passed when {@code mayProbe}. An admitted attempt must be {@link #release released}.
     */
    public synchronized Admission admit(long nowMillis, boolean mayProbe) {
        if (breaker.state() == CircuitState.CLOSED) {
            outstanding++;
            return Admission.NORMAL;
        }
        if (mayProbe && breaker.tryStartProbe(nowMillis)) {
            outstanding++;
            return Admission.PROBE;
        }
        return Admission.REFUSED;
    }

    /** Ends an admitted attempt with what it taught us. */
    public synchronized CircuitBreaker.Transition release(HealthSignal signal, boolean wasProbe, long nowMillis) {
        outstanding = Math.max(0, outstanding - 1);
        return switch (signal) {
            case SUCCESS -> breaker.onSuccess();
            case FAILURE -> breaker.onFailure(nowMillis);
            case NEUTRAL -> {
                if (wasProbe) {
                    breaker.abandonProbe();
                }
                yield CircuitBreaker.Transition.NONE;
            }
        };
    }
}
