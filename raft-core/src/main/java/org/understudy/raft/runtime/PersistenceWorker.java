package org.understudy.raft.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.core.Ready;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;

/**
 * The only thread that writes the {@link LogStorage} ({@code raft-<id>-persist}).
 *
 * <p>Group commit: it takes every job queued since its last round, writes them in order (for a
 * Ready: compact to an installed snapshot, append the entries, set the hard state; for a
 * compaction: compact), syncs ONCE if any Ready of the round needs it, and then posts
 * "persisted through Ready #N" to the event loop. While it syncs, the event loop keeps stepping and
 * queueing new Readys, so under load many proposals share one sync.
 *
 * <p>A failure of the storage (any exception) stops the node through the {@link FailureHandler}:
 * after a failed sync the durable state is unknown, so nothing that depends on this round may be
 * acknowledged, and the "persisted" notice is never posted.
 */
final class PersistenceWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PersistenceWorker.class);

    private sealed interface Job {}

    private record WriteReady(Ready ready) implements Job {}

    private record Compact(SnapshotMetadata upTo) implements Job {}

    private record Stop() implements Job {}

    private final long nodeId;
    private final LogStorage storage;
    private final Inbox inbox;
    private final FailureHandler failure;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private volatile boolean running = true;

    PersistenceWorker(long nodeId, LogStorage log, Inbox inbox, FailureHandler failure) {
        this.nodeId = nodeId;
        this.storage = log;
        this.inbox = inbox;
        this.failure = failure;
    }

    /** Queues a Ready to persist. Never blocks. */
    void persist(Ready ready) {
        queue.add(new WriteReady(ready));
    }

    /** Queues a compaction of the log up to a snapshot the state machine has written. Never blocks. */
    void compact(SnapshotMetadata upTo) {
        queue.add(new Compact(upTo));
    }

    /** Asks the thread to stop after its current round; what is still queued is not written. */
    void stop() {
        running = false;
        queue.add(new Stop());
    }

    @Override
    public void run() {
        List<Job> round = new ArrayList<>();
        try {
            while (running) {
                round.clear();
                round.add(queue.take());
                queue.drainTo(round);
                if (!writeRound(round)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            running = false;
            failure.fail("storage failed on node " + nodeId, e);
        }
    }

    /** Writes one round; false when a stop was found (the rest of the round is not written). */
    private boolean writeRound(List<Job> round) {
        long persistedThrough = 0;
        boolean needsSync = false;
        for (Job job : round) {
            if (job instanceof Stop || !running) {
                return false;
            } else if (job instanceof Compact c) {
                // Not synced on its own: a compaction that is lost in a crash only leaves a longer log.
                storage.compactPrefix(c.upTo());
            } else if (job instanceof WriteReady w) {
                Ready r = w.ready();
                if (r.snapshot() != null) {
                    storage.compactPrefix(r.snapshot());
                    needsSync = true;
                }
                if (!r.entries().isEmpty()) {
                    storage.append(r.entries());
                }
                if (r.hardState() != null) {
                    storage.setHardState(r.hardState());
                }
                needsSync |= r.mustSync();
                persistedThrough = r.number();
            }
        }
        if (needsSync) {
            storage.sync();
        }
        if (persistedThrough > 0) {
            log.trace("node {}: persisted through Ready #{} ({} jobs, sync={})", nodeId, persistedThrough,
                    round.size(), needsSync);
            inbox.post(new LoopEvent.Persisted(persistedThrough));
        }
        return true;
    }
}
