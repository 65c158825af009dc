package org.understudy.client.balancer.health;

/**
 * The circuit of one endpoint. Not thread-safe: {@link EndpointHealth} guards it.
 *
 * <pre>
 * CLOSED --(failureThreshold consecutive failures)--> OPEN (retry at now + backoff(opens))
 * OPEN   --(backoff passed, one probe admitted)-----> HALF_OPEN
 * HALF_OPEN --(probe succeeds)--> CLOSED (backoff resets)
 * HALF_OPEN --(probe fails)-----> OPEN (the next backoff doubles)
 * any state --(any success)-----> CLOSED  (a late answer proves the endpoint is reachable)
 * </pre>
 */
public final class CircuitBreaker {

    /** A change of state worth reporting (log, metric, scheduling an active probe). */
    public enum Transition { NONE, OPENED, CLOSED }

    private final int failureThreshold;
    private final Backoff backoff;
    private CircuitState state = CircuitState.CLOSED;
    private int consecutiveFailures;
    private int opens;
    private long retryAtMillis;

    public CircuitBreaker(int failureThreshold, Backoff backoff) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be >= 1, was " + failureThreshold);
        }
        this.failureThreshold = failureThreshold;
        this.backoff = backoff;
    }

    public CircuitState state() {
        return state;
    }

    /** When an open circuit may be probed. */
    public long retryAtMillis() {
        return retryAtMillis;
    }

    public boolean probeReady(long nowMillis) {
        return state == CircuitState.OPEN && nowMillis >= retryAtMillis;
    }

    /** Takes the one probe slot if the backoff has passed. */
    public boolean tryStartProbe(long nowMillis) {
        if (!probeReady(nowMillis)) {
            return false;
        }
        state = CircuitState.HALF_OPEN;
        return true;
    }

    /** Gives a probe slot back unused (the probe could not be sent); the circuit stays ready to probe. */
    public void abandonProbe() {
        if (state == CircuitState.HALF_OPEN) {
            state = CircuitState.OPEN;
        }
    }

    public Transition onSuccess() {
        consecutiveFailures = 0;
        if (state == CircuitState.CLOSED) {
            return Transition.NONE;
        }
        state = CircuitState.CLOSED;
        opens = 0;
        return Transition.CLOSED;
    }

    public Transition onFailure(long nowMillis) {
        switch (state) {
            case CLOSED -> {
                if (++consecutiveFailures >= failureThreshold) {
                    open(nowMillis);
                    return Transition.OPENED;
                }
                return Transition.NONE;
            }
            case HALF_OPEN -> {
                open(nowMillis);
                return Transition.OPENED;
            }
            default -> {
                // A late failure of a request sent before the circuit opened: already counted.
                return Transition.NONE;
            }
        }
    }

    private void open(long nowMillis) {
        state = CircuitState.OPEN;
        retryAtMillis = nowMillis + backoff.delayMillis(opens);
        opens++;
        consecutiveFailures = 0;
    }
}
