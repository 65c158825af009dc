package org.understudy.examples.kv.bench;

import java.time.Duration;

/** Paces a run's operations: {@link ClosedLoopDriver} or {@link FixedRateDriver}. */
public interface LoadDriver {
    /** Starts sending; returns at once. Sending stops by itself at the plan's end. */
    void start();

    /**
     * Waits until sending has stopped and every operation sent has finished.
     *
     * @return false if that took longer than {@code timeout} (operations still in flight are then not counted)
     */
    boolean awaitFinished(Duration timeout) throws InterruptedException;
}
