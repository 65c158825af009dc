package org.understudy.bench.replication;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a cluster to reach a state during setup (a leader everyone follows, followers caught
 * up): check every millisecond until it holds or a deadline passes. Only used outside the measured
 * code; the nodes offer no event for "every follower applied index i", and a setup that takes a
 * millisecond longer costs nothing.
 */
final class Waits {
    private Waits() {}

    /**
     * Returns once {@code condition} holds.
     *
     * @throws IllegalStateException with {@code what} and {@code state} when it does not within {@code timeout}
     */
    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no " + what + " within " + timeout.toSeconds() + " s; " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }
}
