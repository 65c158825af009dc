package org.understudy.raft.runtime;

import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.ReadState;

/**
 * Read-index requests between the event loop, which asks the core for a read index under a
 * request id, and the apply thread, which completes the future once the state machine has applied
 * that index (thesis §6.4: only then does a read see every write acknowledged before it started).
 *
 * <p>Requests whose answer never comes (the leader is gone, the message was lost) are failed by
 * a timeout the node schedules; a completed future is dropped from here by itself.
 */
final class PendingReads {
    private record Waiting(long index, CompletableFuture<Long> future) {}

    /** This node's id as the errors' messages write it. */
    private final String node;
    /** Asked, not yet answered by the core. Loop adds, apply thread removes. */
    private final Map<Long, CompletableFuture<Long>> asked = new ConcurrentHashMap<>();
    /** Answered, waiting for the state machine to reach the index. Apply thread only. */
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.index(), b.index()));

    /** @param node this node's id as the errors' messages write it ({@link RaftNodeOptions#idFormat()}) */
    PendingReads(String node) {
        this.node = node;
    }

    /** Registers a request before the core is asked. Event loop. */
    void asked(long requestId, CompletableFuture<Long> future) {
        asked.put(requestId, future);
        future.whenComplete((v, e) -> asked.remove(requestId, future));
    }

    /** The core answered; completes now or once {@code appliedIndex} reaches the read index. Apply thread. */
    void answered(ReadState state, long appliedIndex) {
        CompletableFuture<Long> future = asked.remove(state.requestId());
        if (future == null || future.isDone()) {
            return;
        }
        if (state.refused()) {
            future.completeExceptionally(new RaftException(ErrorCode.UNAVAILABLE,
                    "node " + node + " could not get a read index: no leader, or the leader lost its leadership"));
        } else if (state.index() <= appliedIndex) {
            future.complete(state.index());
        } else {
            waiting.add(new Waiting(state.index(), future));
        }
    }

    /** The state machine applied up to {@code appliedIndex}. Apply thread. */
    void applied(long appliedIndex) {
        while (!waiting.isEmpty() && waiting.peek().index() <= appliedIndex) {
            Waiting w = waiting.poll();
            w.future().complete(w.index());
        }
    }

    /** Requests asked and not answered yet (for tests and status). */
    int askedCount() {
        return asked.size();
    }
}
