package org.understudy.bench.replication;

import com.google.protobuf.ByteString;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.understudy.raft.runtime.RaftNode;

/**
 * At most {@code size} proposals in flight from one thread: {@link #propose} takes a slot (waiting
 * while all are taken) and proposes; the slot is given back when the proposal's future completes,
 * that is once the entry is committed and applied on the leader. In steady state the rate of
 * {@link #propose} calls is therefore the rate of commits with {@code size} proposals outstanding,
 * the way a client that pipelines {@code size} requests over one connection drives a server.
 *
 * <p>A failed proposal (leadership lost, node overloaded) is kept and thrown by the next call, so
 * a trial with failures fails instead of counting requests that never committed.
 */
final class ProposalWindow {
    /** A proposal not committed within this long means the cluster is stuck: fail the trial. */
    static final long TIMEOUT_SECONDS = 30;

    private final int size;
    private final Semaphore slots;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** One callback for every proposal: nothing is allocated per proposal here but what the node allocates. */
    private final BiConsumer<Long, Throwable> onDone;

    ProposalWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("proposers must be at least 1: " + size);
        }
        this.size = size;
        this.slots = new Semaphore(size);
        this.onDone = (result, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
            slots.release();
        };
    }

    /** Takes a slot and proposes {@code value} to {@code leader}. */
    void propose(RaftNode<Long> leader, ByteString value) throws InterruptedException {
        rethrowFailure();
        if (!slots.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("none of " + size + " proposals in flight committed within "
                    + TIMEOUT_SECONDS + " s");
        }
        leader.propose(value).whenComplete(onDone);
    }

    /** Waits until every proposal in flight has completed; then every slot is free again. */
    void drain() throws InterruptedException {
        if (!slots.tryAcquire(size, TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException((size - slots.availablePermits()) + " proposals still in flight after "
                    + TIMEOUT_SECONDS + " s");
        }
        slots.release(size);
        rethrowFailure();
    }

    /** Free slots: all of them after {@link #drain()}. */
    int freeSlots() {
        return slots.availablePermits();
    }

    private void rethrowFailure() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a proposal failed, so this trial's figures are not valid: " + e, e);
        }
    }
}
