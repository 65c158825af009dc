package org.understudy.raft.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's clock ({@code raft-<id>-ticker}): every {@code tickMillis} it asks the event loop for
 * one tick (ticks coalesce in the {@link Inbox}, the ticker never blocks), and it fails requests
 * that outlive their timeout. It only ever enqueues or hands off; no Raft logic runs here.
 */
final class Ticker {
    private final ScheduledThreadPoolExecutor executor;
    private final Callbacks callbacks;

    Ticker(long nodeId, Callbacks callbacks) {
        this.executor = new ScheduledThreadPoolExecutor(1, new NamedThreads(nodeId, "ticker"));
        // Timeouts of requests that complete in time are cancelled; don't let them pile up.
        executor.setRemoveOnCancelPolicy(true);
        this.callbacks = callbacks;
    }

    void start(Inbox inbox, long tickMillis) {
        executor.scheduleAtFixedRate(inbox::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Fails {@code future} with {@code error} unless it completes within {@code millis}. */
    void timeout(CompletableFuture<?> future, long millis, Supplier<? extends Throwable> error) {
        try {
            ScheduledFuture<?> timer = executor.schedule(() -> {
                if (!future.isDone()) {
                    callbacks.fail(future, error.get());
                }
            }, millis, TimeUnit.MILLISECONDS);
            future.whenComplete((v, e) -> timer.cancel(false));
        } catch (RejectedExecutionException e) {
            // Stopping: the node fails every open request itself.
        }
    }

    /** Stops ticking and drops pending timeouts (the node fails those requests itself). */
    void stop() {
        executor.shutdownNow();
    }

    boolean awaitStopped(long millis) throws InterruptedException {
        return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
