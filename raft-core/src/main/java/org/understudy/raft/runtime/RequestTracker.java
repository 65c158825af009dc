package org.understudy.raft.runtime;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.understudy.raft.RaftException;

/**
 * Every future a {@link RaftNode} has handed out and not yet completed, wherever it waits (in the
 * inbox, in the event loop, on the apply thread), so that shutdown and failure can complete all of
 * them exceptionally without each component having to find its own.
 */
final class RequestTracker {
    private final Set<CompletableFuture<?>> open = ConcurrentHashMap.newKeySet();
    private volatile RaftException closedWith;

    /** Tracks {@code future} until it completes; fails it at once if the node already stopped. */
    <T> CompletableFuture<T> track(CompletableFuture<T> future) {
        open.add(future);
        future.whenComplete((v, e) -> open.remove(future));
        RaftException closed = closedWith;
        if (closed != null) {
            future.completeExceptionally(closed);
        }
        return future;
    }

    /** Fails every open future and every future tracked from now on with {@code error}. */
    void failAll(RaftException error) {
        if (closedWith == null) {
            closedWith = error;
        }
        for (CompletableFuture<?> f : open) {
            f.completeExceptionally(error);
        }
    }

    /** How many futures are still open. */
    int openCount() {
        return open.size();
    }
}
