package org.understudy.examples.kv.bench;

import java.util.concurrent.locks.LockSupport;

/** The run's monotonic time, and waiting for a moment of it: the system's, or a fake one in tests. */
public interface NanoClock {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code deadline} (at once if it has). */
    void sleepUntil(long deadline) throws InterruptedException;

    /** {@link System#nanoTime()}; waits park the thread (each wake may be some tens of microseconds late). */
    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    };
}
