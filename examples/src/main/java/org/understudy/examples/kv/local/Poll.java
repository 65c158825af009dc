package org.understudy.examples.kv.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for another process to reach a state: asking again every {@code interval} until {@code timeout}. */
final class Poll {
    private Poll() {}

    /** Whether {@code condition} held before {@code timeout} ran out; checked at least once. */
    static boolean until(Duration timeout, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(interval.toMillis()); // another process's state: there is nothing local to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
