package org.understudy.raft.runtime;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.Transport;

/**
 * Runs the {@link SnapshotSender} and the {@link SnapshotReceiver} on the node's snapshot thread
 * ({@code raft-<id>-snapshot}), off the event loop: reading and writing snapshot chunks is storage
 * I/O. Inbound chunk traffic waiting for that thread is bounded; beyond the bound it is dropped
 * (the transfer then fails and is retried), so a misbehaving peer cannot grow this queue.
 */
final class SnapshotTransfers {
    private static final Logger log = LoggerFactory.getLogger(SnapshotTransfers.class);

    private final long nodeId;
    private final ScheduledThreadPoolExecutor executor;
    private final SnapshotSender sender;
    private final SnapshotReceiver receiver;
    private final AtomicInteger queuedInbound = new AtomicInteger();
    private final int maxQueuedInbound;
    private volatile boolean stopped;

    SnapshotTransfers(RaftNodeOptions options, SnapshotStore store, Transport transport, Inbox inbox) {
        this.nodeId = options.id();
        this.executor = new ScheduledThreadPoolExecutor(1, new NamedThreads(nodeId, "snapshot"));
        executor.setRemoveOnCancelPolicy(true);
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.snapshotTransferTimeoutMillis());
        this.sender = new SnapshotSender(nodeId, store, transport, inbox, options.snapshotChunkBytes(),
                options.snapshotInflightChunks(), timeoutNanos);
        this.receiver = new SnapshotReceiver(nodeId, store, transport, inbox);
        // Acks for several concurrent outbound transfers plus one inbound window, with slack.
        this.maxQueuedInbound = 16 * options.snapshotInflightChunks() + 64;
        long period = Math.max(10, Math.min(1000, options.snapshotTransferTimeoutMillis() / 4));
        executor.scheduleWithFixedDelay(() -> sender.checkTimeouts(System.nanoTime()), period, period,
                TimeUnit.MILLISECONDS);
    }

    /** The core wants a snapshot sent ({@code request} is its MSG_SNAPSHOT). Never blocks. */
    void send(RaftMessage request) {
        run(() -> sender.start(request, System.nanoTime()));
    }

    /** A chunk or a chunk acknowledgement arrived from a peer. Never blocks; drops when backed up. */
    void onInbound(RaftMessage message) {
        if (queuedInbound.incrementAndGet() > maxQueuedInbound) {
            queuedInbound.decrementAndGet();
            log.debug("node {}: snapshot traffic backed up; dropping a {}", nodeId, message.getType());
            return;
        }
        boolean queued = run(() -> {
            queuedInbound.decrementAndGet();
            switch (message.getType()) {
                case MSG_SNAPSHOT_CHUNK -> receiver.onChunk(message);
                case MSG_SNAPSHOT_CHUNK_RESP -> sender.onResponse(message, System.nanoTime());
                default -> throw new IllegalArgumentException("not snapshot traffic: " + message.getType());
            }
        });
        if (!queued) {
            queuedInbound.decrementAndGet();
        }
    }

    /** A received snapshot was installed, or the core turned it down. Any thread. */
    void settled(long index) {
        receiver.settled(index);
    }

    /**
     * Stops at once without waiting (the node failed): queued work is skipped, so nothing more is
     * sent. {@link #close()} must still be called to release the thread.
     */
    void stop() {
        stopped = true;
        executor.shutdown();
    }

    /** Abandons all transfers and stops the thread, waiting briefly for the current chunk. */
    void close() {
        stop();
        awaitTermination();
        // The snapshot thread is gone (termination happens-before this), so its state is ours now.
        sender.closeAll();
        receiver.close();
    }

    private void awaitTermination() {
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("node {}: the snapshot thread did not stop within 5 s; interrupting", nodeId);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private boolean run(Runnable task) {
        try {
            executor.execute(() -> {
                if (stopped) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // Snapshot streaming failures are recoverable: the transfer fails and is retried.
                    log.warn("node {}: snapshot transfer step failed", nodeId, e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false; // stopping
        }
    }
}
