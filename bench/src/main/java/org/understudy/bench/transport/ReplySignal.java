package org.understudy.bench.transport;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How a reply reaches the benchmark thread, the same for every implementation so that the
 * comparison is fair: the Netty thread that decoded a reply {@link #release()}s one permit, the
 * benchmark thread {@link #acquire()}s one (returning at once if it is there, parking otherwise).
 * The round-trip benchmark starts with no permit (send, then wait for the reply); the throughput
 * benchmark starts with {@code window} permits (take a slot, then send), which bounds the messages
 * in flight.
 *
 * <p>A lost message would leave the benchmark thread parked for ever, so every wait gives up after
 * {@link #TIMEOUT_SECONDS} with an error that says so.
 */
final class ReplySignal {
    static final long TIMEOUT_SECONDS = 10;

    private final Semaphore permits;

    ReplySignal(int initialPermits) {
        this.permits = new Semaphore(initialPermits);
    }

    /** A reply arrived (any thread). */
    void release() {
        permits.release();
    }

    /** Adds {@code n} permits: opens a window of {@code n} messages. */
    void release(int n) {
        permits.release(n);
    }

    /** Waits for one permit. */
    void acquire() throws InterruptedException {
        acquire(1);
    }

    /** Waits for {@code n} permits: all replies of a window of {@code n} are back. */
    void acquire(int n) throws InterruptedException {
        if (!permits.tryAcquire(n, TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no reply within " + TIMEOUT_SECONDS + " s (" + permits.availablePermits()
                    + " of " + n + " permits back): a message was lost or the peer is stuck");
        }
    }

    int availablePermits() {
        return permits.availablePermits();
    }
}
