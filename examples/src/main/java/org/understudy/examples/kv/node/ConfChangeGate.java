package org.understudy.examples.kv.node;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keeps this leader's own record updates (a member's client URL, see {@link ClientUrlRecords})
 * from colliding with the operator's membership changes (add, promote, remove). Raft takes one
 * configuration change at a time and refuses a second one with {@code CONF_CHANGE_IN_PROGRESS}:
 * without this gate, an operator's {@code member add} sent just after a member published its URL
 * would fail for a reason the operator never caused.
 *
 * <p>The rule: a record update starts only while no operator change runs here (else it is refused
 * and the member asks again later); an operator change that arrives during a record update waits
 * for it (a few milliseconds: one commit), then starts. Changes made by the membership service's
 * own policies (auto-promotion, failover) are not seen here; Raft's own refusal still keeps them
 * apart, and both sides retry.
 */
final class ConfChangeGate {
    private CompletableFuture<?> recordUpdate = CompletableFuture.completedFuture(null);
    private int operatorChanges;

    /** Starts {@code change} once no record update is in flight; the result is {@code change}'s. */
    <T> CompletableFuture<T> operatorChange(Supplier<CompletableFuture<T>> change) {
        CompletableFuture<?> before;
        synchronized (this) {
            before = recordUpdate;
            if (before.isDone()) {
                operatorChanges++;
            }
        }
        if (!before.isDone()) {
            return before.handle((r, e) -> null).thenCompose(ignored -> operatorChange(change));
        }
        CompletableFuture<T> started;
        try {
            started = change.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((r, e) -> {
            synchronized (this) {
                operatorChanges--;
            }
        });
        return started;
    }

    /**
     * Starts {@code update} if nothing else is in flight here.
     *
     * @return the update's future, or empty when another change is in flight (retry later)
     */
    synchronized <T> Optional<CompletableFuture<T>> tryRecordUpdate(Supplier<CompletableFuture<T>> update) {
        if (operatorChanges > 0 || !recordUpdate.isDone()) {
            return Optional.empty();
        }
        CompletableFuture<T> started;
        try {
            started = update.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        recordUpdate = started;
        return Optional.of(started);
    }
}
