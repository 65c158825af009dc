package org.understudy.client.balancer;

import java.util.Objects;
import org.understudy.client.balancer.routing.ReadStrategy;

/**
 * The balancer's tuning, validated. Built by {@link BalancerBuilder}; every default is a
 * constant here with the reason it was chosen. All times are milliseconds.
 */
public record BalancerOptions(
        long defaultDeadlineMillis,
        long attemptTimeoutMillis,
        int maxAttempts,
        long retryBackoffBaseMillis,
        long retryBackoffMaxMillis,
        int circuitFailureThreshold,
        long circuitBackoffBaseMillis,
        long circuitBackoffMaxMillis,
        double jitter,
        long syncIntervalMillis,
        long minSyncIntervalMillis,
        long syncTimeoutMillis,
        ReadStrategy readStrategy,
        int maxInFlight,
        String clientName) {

    /** Enough for a leader election (about a second) plus a member sync and a few retries. */
    public static final long DEFAULT_DEADLINE_MILLIS = 10_000;
    /** One silent endpoint must not eat the whole deadline: a third of it leaves room for two more tries. */
    public static final long DEFAULT_ATTEMPT_TIMEOUT_MILLIS = 3_000;
    /** Bounds the work (and the attempt record) of one request even with a long deadline. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    /** Short first pause: most retries go to another endpoint, which is likely healthy. */
    public static final long DEFAULT_RETRY_BACKOFF_BASE_MILLIS = 20;
    /** About an election timeout: waiting longer between tries rarely helps. */
    public static final long DEFAULT_RETRY_BACKOFF_MAX_MILLIS = 1_000;
    /** One lost packet is not an outage; three failures in a row are worth routing around. */
    public static final int DEFAULT_CIRCUIT_FAILURE_THRESHOLD = 3;
    /** A restarting member is usually back within a second or two. */
    public static final long DEFAULT_CIRCUIT_BACKOFF_BASE_MILLIS = 500;
    /** Keeps a long-dead endpoint probed a few times a minute, not hammered, and found soon after it returns. */
    public static final long DEFAULT_CIRCUIT_BACKOFF_MAX_MILLIS = 10_000;
    /** ±20%: enough to spread clients that failed together. */
    public static final double DEFAULT_JITTER = 0.2;
    /** Membership changes are rare and errors trigger a sync anyway; this catches quiet changes. */
    public static final long DEFAULT_SYNC_INTERVAL_MILLIS = 30_000;
    /** Error-triggered syncs at most once a second, so a burst of NOT_LEADERs costs one fetch. */
    public static final long DEFAULT_MIN_SYNC_INTERVAL_MILLIS = 1_000;
    /** A fetch that takes longer is abandoned (a later answer is still used if it is newer). */
    public static final long DEFAULT_SYNC_TIMEOUT_MILLIS = 5_000;

    public BalancerOptions {
        positive("deadline", defaultDeadlineMillis);
        positive("attemptTimeout", attemptTimeoutMillis);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        if (retryBackoffBaseMillis < 0 || retryBackoffMaxMillis < retryBackoffBaseMillis) {
            throw new IllegalArgumentException("retryBackoff needs 0 <= base <= max, was "
                    + retryBackoffBaseMillis + ".." + retryBackoffMaxMillis);
        }
        if (circuitFailureThreshold < 1) {
            throw new IllegalArgumentException("circuitFailureThreshold must be >= 1, was " + circuitFailureThreshold);
        }
        if (circuitBackoffBaseMillis < 1 || circuitBackoffMaxMillis < circuitBackoffBaseMillis) {
            throw new IllegalArgumentException("circuitBackoff needs 1 <= base <= max, was "
                    + circuitBackoffBaseMillis + ".." + circuitBackoffMaxMillis);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
        }
        positive("syncInterval", syncIntervalMillis);
        if (minSyncIntervalMillis < 0 || minSyncIntervalMillis > syncIntervalMillis) {
            throw new IllegalArgumentException("minSyncInterval must be in [0, syncInterval], was "
                    + minSyncIntervalMillis);
        }
        positive("syncTimeout", syncTimeoutMillis);
        Objects.requireNonNull(readStrategy, "readStrategy");
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("maxInFlight must be >= 0 (0: no limit), was " + maxInFlight);
        }
        if (clientName == null || clientName.isBlank()) {
            throw new IllegalArgumentException("clientName must be non-empty");
        }
    }

    public static BalancerOptions defaults() {
        return new BalancerOptions(DEFAULT_DEADLINE_MILLIS, DEFAULT_ATTEMPT_TIMEOUT_MILLIS, DEFAULT_MAX_ATTEMPTS,
                DEFAULT_RETRY_BACKOFF_BASE_MILLIS, DEFAULT_RETRY_BACKOFF_MAX_MILLIS, DEFAULT_CIRCUIT_FAILURE_THRESHOLD,
                DEFAULT_CIRCUIT_BACKOFF_BASE_MILLIS, DEFAULT_CIRCUIT_BACKOFF_MAX_MILLIS, DEFAULT_JITTER,
                DEFAULT_SYNC_INTERVAL_MILLIS, DEFAULT_MIN_SYNC_INTERVAL_MILLIS, DEFAULT_SYNC_TIMEOUT_MILLIS,
                ReadStrategy.LEAST_OUTSTANDING, 0, "default");
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value + " ms");
        }
    }
}
