package org.understudy.raft.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.ConfState;

/**
 * The node's callback thread ({@code raft-<id>-events}): runs the application's leader and
 * configuration listeners, and completes the futures that the event loop or the ticker would
 * otherwise complete themselves. Completing a future runs its dependent actions on the completing
 * thread, so without this hop an application callback could stall the event loop.
 *
 * <p>Listeners run one at a time, in the order of the events, never while the node holds
 * anything. A listener that throws is logged and the others still run.
 */
final class Callbacks {
    private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

    private final long nodeId;
    private final List<Consumer<Long>> leaderListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConfState>> confListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService executor;

    Callbacks(long nodeId) {
        this.nodeId = nodeId;
        this.executor = Executors.newSingleThreadExecutor(new NamedThreads(nodeId, "events"));
    }

    void addLeaderListener(Consumer<Long> listener) {
        leaderListeners.add(listener);
    }

    void addConfigurationListener(Consumer<ConfState> listener) {
        confListeners.add(listener);
    }

    /** The known leader changed to {@code leaderId} (0: no leader known). */
    void leaderChanged(long leaderId) {
        dispatch(leaderListeners, leaderId);
    }

    /** A configuration change (or a snapshot) was applied, giving {@code conf}. */
    void configurationChanged(ConfState conf) {
        dispatch(confListeners, conf);
    }

    /** Completes {@code future} with {@code value} on the callback thread. */
    <T> void complete(CompletableFuture<T> future, T value) {
        if (!execute(() -> future.complete(value))) {
            future.complete(value);
        }
    }

    /** Fails {@code future} on the callback thread. */
    void fail(CompletableFuture<?> future, Throwable error) {
        if (!execute(() -> future.completeExceptionally(error))) {
            future.completeExceptionally(error);
        }
    }

    /** Stops the thread after the work already queued, waiting a little for it. */
    void close() {
        executor.shutdown();
        if (Thread.currentThread().getName().equals(NamedThreads.threadName(nodeId, "events"))) {
            return; // closed from a callback: the thread ends once that callback returns
        }
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("node {}: callbacks did not finish within 5 s; interrupting", nodeId);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private <T> void dispatch(List<Consumer<T>> listeners, T value) {
        if (listeners.isEmpty()) {
            return;
        }
        execute(() -> {
            for (Consumer<T> l : listeners) {
                try {
                    l.accept(value);
                } catch (RuntimeException e) {
                    log.warn("node {}: listener {} threw on {}", nodeId, l, value, e);
                }
            }
        });
    }

    private boolean execute(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closed
        }
    }
}
