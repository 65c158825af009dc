package org.understudy.client.balancer.time;

/**
 * A monotonic clock and a timer. Every deadline, backoff, circuit timer and periodic sync of
 * the balancer goes through it, so a test can drive a whole scenario by advancing a manual
 * clock, and nothing reads the wall clock.
 */
public interface Scheduler extends AutoCloseable {

    /** Milliseconds on a monotonic clock (any origin; only differences matter). */
    long nowMillis();

    /**
     * Runs {@code task} once, {@code delayMillis} from now (at once if {@code <= 0}), on the
     * scheduler's thread. Tasks must be short; the balancer's are.
     */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Stops running tasks. The default does nothing (for schedulers owned by someone else). */
    @Override
    default void close() {
    }

    /** A scheduled task that may still be cancelled. Cancelling twice, or after it ran, is harmless. */
    interface Cancellable {
        void cancel();
    }
}
