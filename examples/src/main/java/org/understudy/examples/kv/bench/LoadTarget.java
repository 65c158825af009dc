package org.understudy.examples.kv.bench;

import java.util.concurrent.CompletableFuture;

/**
 * Where a run's operations go: the cluster through the balancer ({@link BalancerTarget}), or a
 * fake in tests.
 */
public interface LoadTarget {
    /**
     * Starts {@code op} and completes with its outcome, never exceptionally. Must not block: it is
     * called from the threads that complete earlier operations, which may be network event loops.
     */
    CompletableFuture<OpOutcome> execute(BenchOp op);
}
