package org.understudy.bench.replication;

import com.google.protobuf.ByteString;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.understudy.raft.runtime.RaftNode;

/**
 * Keeps {@code proposals} proposals in flight on a leader without any thread of its own: each is a
 * chain in which a committed proposal at once proposes the next one (from the thread that
 * completed it, the node's apply thread; proposing only queues a request, so that costs the apply
 * thread what a network thread handing over a client's next request would cost some thread). The
 * latency benchmark runs it beside the one proposal it times, so that the timed proposal meets the
 * same {@code proposers - 1} concurrent proposals a window of {@code proposers} would.
 *
 * <p>{@link #stop} ends every chain after its current proposal and waits for that; a failed
 * proposal ends its chain and is thrown by {@link #rethrowFailure} and {@link #stop}.
 */
final class BackgroundLoad {
    private final RaftNode<Long> leader;
    private final ByteString value;
    private final int proposals;
    private final Semaphore chainsEnded = new Semaphore(0);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final BiConsumer<Long, Throwable> next;
    private volatile boolean stopping;

    BackgroundLoad(RaftNode<Long> leader, ByteString value, int proposals) {
        if (proposals < 0) {
            throw new IllegalArgumentException("proposals must not be negative: " + proposals);
        }
        this.leader = leader;
        this.value = value;
        this.proposals = proposals;
        this.next = (result, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
                chainsEnded.release();
            } else {
                proposeNext();
            }
        };
    }

    /** Starts the chains: {@code proposals} proposals are in flight when this returns. */
    void start() {
        for (int i = 0; i < proposals; i++) {
            proposeNext();
        }
    }

    private void proposeNext() {
        if (stopping) {
            chainsEnded.release();
            return;
        }
        leader.propose(value).whenComplete(next);
    }

    /** Ends every chain and waits until none of its proposals is in flight. */
    void stop() throws InterruptedException {
        stopping = true;
        if (!chainsEnded.tryAcquire(proposals, ProposalWindow.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("background proposals still in flight after "
                    + ProposalWindow.TIMEOUT_SECONDS + " s");
        }
        rethrowFailure();
    }

    /** Throws if a background proposal failed (leadership lost, node overloaded). */
    void rethrowFailure() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a background proposal failed, so this trial's figures are not valid: "
                    + e, e);
        }
    }
}
