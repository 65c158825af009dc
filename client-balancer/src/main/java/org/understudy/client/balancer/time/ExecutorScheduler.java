package org.understudy.client.balancer.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Scheduler}: {@link System#nanoTime()} and one daemon thread of a
 * {@link ScheduledThreadPoolExecutor}. Daemon, so a forgotten {@code close()} never keeps a
 * JVM alive; cancelled tasks are removed from the queue at once, so the per-request deadline
 * timers of completed requests do not pile up.
 */
public final class ExecutorScheduler implements Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ScheduledThreadPoolExecutor executor;

    public ExecutorScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // A task that throws must not silently stop a periodic chain; say so and go on.
                LOG.error("balancer task failed", e);
            }
        };
        try {
            ScheduledFuture<?> f = executor.schedule(guarded, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed: nothing will run any more, which is what closing means.
            return () -> { };
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
