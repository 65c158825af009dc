package org.understudy.raft.runtime;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotChunk;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.Transport;

/**
 * The follower's (or learner's) side of snapshot streaming: writes the chunks of one transfer, in
 * order, into a {@link SnapshotStore} writer and acknowledges each with the bytes received so far.
 * At the last chunk it commits the snapshot and hands the core a MSG_SNAPSHOT carrying the
 * received metadata; the core decides whether to install it.
 *
 * <p>Rules: a chunk at offset 0 with a new transfer id starts a new transfer (abandoning any
 * other); a duplicate is re-acknowledged; a gap, a chunk of an unknown transfer, or a store error
 * rejects the transfer (the leader then retries from scratch).
 *
 * <p>One received snapshot at a time: until the apply thread has restored the last one (or the
 * core turned it down), new transfers are rejected. Otherwise a newer snapshot could become the
 * store's latest before the older, accepted one is restored, and the state machine would restore
 * the wrong one.
 *
 * <p>{@link #onChunk} is confined to the node's snapshot thread; the install notices may come from
 * any thread.
 */
final class SnapshotReceiver {
    private static final Logger log = LoggerFactory.getLogger(SnapshotReceiver.class);

    private static final class Incoming {
        final long transferId;
        final SnapshotMetadata metadata;
        final SnapshotStore.Writer writer;
        long received;

        Incoming(long transferId, SnapshotMetadata metadata, SnapshotStore.Writer writer) {
            this.transferId = transferId;
            this.metadata = metadata;
            this.writer = writer;
        }
    }

    private final long nodeId;
    private final SnapshotStore store;
    private final Transport transport;
    private final Inbox inbox;
    /** Index of a received snapshot handed to the core and not yet installed or turned down; 0 if none. */
    private final AtomicLong awaitingInstall = new AtomicLong();
    private Incoming current;
    /** The last transfer completed here, so that a late duplicate of its chunks is ignored. */
    private long completedTransferId;

    SnapshotReceiver(long nodeId, SnapshotStore store, Transport transport, Inbox inbox) {
        this.nodeId = nodeId;
        this.store = store;
        this.transport = transport;
        this.inbox = inbox;
    }

    /** A MSG_SNAPSHOT_CHUNK arrived. */
    void onChunk(RaftMessage message) {
        SnapshotChunk chunk = message.getChunk();
        if (chunk.getTransferId() == completedTransferId) {
            return;
        }
        if (current == null || current.transferId != chunk.getTransferId()) {
            if (chunk.getOffset() != 0) {
                reply(message, 0, true);
                return;
            }
            if (awaitingInstall.get() != 0) {
                log.debug("node {}: refusing snapshot transfer {}: the snapshot at {} is not installed yet", nodeId,
                        chunk.getTransferId(), awaitingInstall.get());
                reply(message, 0, true);
                return;
            }
            abortCurrent("a new transfer " + chunk.getTransferId() + " started");
            try {
                current = new Incoming(chunk.getTransferId(), chunk.getMetadata(), store.create(chunk.getMetadata()));
            } catch (RuntimeException e) {
                log.warn("node {}: could not start writing a received snapshot", nodeId, e);
                reply(message, 0, true);
                return;
            }
            log.info("node {}: receiving the snapshot at index {} from node {}, transfer {}", nodeId,
                    chunk.getMetadata().getIndex(), message.getFrom(), chunk.getTransferId());
        }
        Incoming in = current;
        if (chunk.getOffset() < in.received) {
            reply(message, in.received, false); // a duplicate: say again where we are
            return;
        }
        if (chunk.getOffset() > in.received) {
            abortCurrent("gap: expected byte " + in.received + ", got " + chunk.getOffset());
            reply(message, in.received, true);
            return;
        }
        try {
            in.writer.write(chunk.getData());
            in.received += chunk.getData().size();
            if (chunk.getLast()) {
                in.writer.commit();
            }
        } catch (RuntimeException e) {
            log.warn("node {}: writing the received snapshot at index {} failed", nodeId, in.metadata.getIndex(), e);
            abortCurrent("store error");
            reply(message, in.received, true);
            return;
        }
        if (chunk.getLast()) {
            current = null;
            completedTransferId = in.transferId;
            awaitingInstall.set(in.metadata.getIndex());
            log.info("node {}: received the snapshot at index {} ({} bytes)", nodeId, in.metadata.getIndex(),
                    in.received);
            // Hand it to the core before the final acknowledgement, so that the core has usually
            // installed it by the time the leader hears the transfer is complete.
            inbox.post(new LoopEvent.SnapshotReceived(RaftMessage.newBuilder()
                    .setType(MessageType.MSG_SNAPSHOT)
                    .setFrom(message.getFrom())
                    .setTo(nodeId)
                    .setTerm(message.getTerm())
                    .setSnapshot(in.metadata)
                    .build()));
        }
        reply(message, in.received, false);
    }

    /** The snapshot at {@code index} was restored, or the core turned it down. Any thread. */
    void settled(long index) {
        awaitingInstall.compareAndSet(index, 0);
    }

    /** Abandons a transfer in progress (the node is stopping). */
    void close() {
        abortCurrent("the node is stopping");
    }

    private void abortCurrent(String why) {
        if (current != null) {
            log.debug("node {}: abandoning snapshot transfer {}: {}", nodeId, current.transferId, why);
            try {
                current.writer.abort();
            } catch (RuntimeException e) {
                log.warn("node {}: aborting a snapshot writer failed", nodeId, e);
            }
            current = null;
        }
    }

    private void reply(RaftMessage chunkMessage, long received, boolean reject) {
        transport.send(RaftMessage.newBuilder()
                .setType(MessageType.MSG_SNAPSHOT_CHUNK_RESP)
                .setFrom(nodeId)
                .setTo(chunkMessage.getFrom())
                .setTerm(chunkMessage.getTerm())
                .setIndex(received)
                .setReject(reject)
                .setChunk(SnapshotChunk.newBuilder().setTransferId(chunkMessage.getChunk().getTransferId()))
                .build());
    }
}
