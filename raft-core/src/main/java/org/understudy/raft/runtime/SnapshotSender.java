package org.understudy.raft.runtime;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotChunk;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.Transport;

/**
 * The leader's side of snapshot streaming. When the core asks to send a snapshot (a MSG_SNAPSHOT
 * in a Ready), this sends the NEWEST snapshot in the store (its index is at least the one asked
 * for) as MSG_SNAPSHOT_CHUNK messages read straight from the store, with at most
 * {@code inflightChunks} unacknowledged, so neither side ever holds the whole snapshot in memory.
 *
 * <p>Outcome, reported to the core through the event loop: success once the receiver acknowledged
 * every byte; failure when the receiver rejects a chunk (a gap, a store error, a transfer it does
 * not know) or when no chunk is acknowledged within the transfer timeout (a lost chunk or a dead
 * peer). A lost chunk is never re-sent here: the transfer fails and the core decides to try again,
 * which keeps this side simple and stateless between transfers.
 *
 * <p>Confined to the node's snapshot thread.
 */
final class SnapshotSender {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSender.class);

    private static final class Transfer {
        final long peer;
        final long term;
        final long transferId;
        final SnapshotStore.Reader reader;
        final long size;
        /** End offsets of the chunks sent and not yet acknowledged. */
        final ArrayDeque<Long> inflightEnds = new ArrayDeque<>();
        long nextOffset;
        boolean lastSent;
        long acked;
        long lastProgressNanos;
        int chunksSent;

        Transfer(long peer, long term, long transferId, SnapshotStore.Reader reader, long now) {
            this.peer = peer;
            this.term = term;
            this.transferId = transferId;
            this.reader = reader;
            this.size = reader.size();
            this.lastProgressNanos = now;
        }
    }

    private final long nodeId;
    private final SnapshotStore store;
    private final Transport transport;
    private final Inbox inbox;
    private final int chunkBytes;
    private final int inflightChunks;
    private final long timeoutNanos;
    private final Map<Long, Transfer> byPeer = new HashMap<>();

    SnapshotSender(long nodeId, SnapshotStore store, Transport transport, Inbox inbox, int chunkBytes,
            int inflightChunks, long timeoutNanos) {
        this.nodeId = nodeId;
        this.store = store;
        this.transport = transport;
        this.inbox = inbox;
        this.chunkBytes = chunkBytes;
        this.inflightChunks = inflightChunks;
        this.timeoutNanos = timeoutNanos;
    }

    /** The core asked to send a snapshot: {@code request} is its MSG_SNAPSHOT. */
    void start(RaftMessage request, long now) {
        long peer = request.getTo();
        Transfer running = byPeer.get(peer);
        if (running != null) {
            if (running.term == request.getTerm()) {
                return; // the core asked again while this transfer runs; it will hear of this one
            }
            abandon(running, "superseded by a request in term " + request.getTerm());
        }
        Optional<SnapshotStore.Reader> opened = store.openLatest();
        if (opened.isEmpty() || opened.get().metadata().getIndex() < request.getSnapshot().getIndex()) {
            opened.ifPresent(SnapshotStore.Reader::close);
            log.warn("node {}: no snapshot at or above index {} to send to node {}", nodeId,
                    request.getSnapshot().getIndex(), peer);
            inbox.post(new LoopEvent.SnapshotReport(peer, false));
            return;
        }
        long transferId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Transfer t = new Transfer(peer, request.getTerm(), transferId, opened.get(), now);
        byPeer.put(peer, t);
        log.info("node {}: sending the snapshot at index {} ({} bytes) to node {}, transfer {}", nodeId,
                t.reader.metadata().getIndex(), t.size, peer, transferId);
        pump(t);
    }

    /** A MSG_SNAPSHOT_CHUNK_RESP arrived. */
    void onResponse(RaftMessage response, long now) {
        Transfer t = byPeer.get(response.getFrom());
        if (t == null || t.transferId != response.getChunk().getTransferId()) {
            return; // an answer about a transfer that is over
        }
        if (response.getReject()) {
            finish(t, false, "node " + t.peer + " rejected it at byte " + response.getIndex());
            return;
        }
        if (response.getIndex() > t.acked) {
            t.acked = response.getIndex();
            t.lastProgressNanos = now;
        }
        while (!t.inflightEnds.isEmpty() && t.inflightEnds.peek() <= t.acked) {
            t.inflightEnds.poll();
        }
        if (t.lastSent && t.inflightEnds.isEmpty()) {
            finish(t, true, "all " + t.size + " bytes acknowledged in " + t.chunksSent + " chunks");
            return;
        }
        pump(t);
    }

    /** Fails transfers that made no progress within the timeout. */
    void checkTimeouts(long now) {
        for (Transfer t : new ArrayList<>(byPeer.values())) {
            if (now - t.lastProgressNanos > timeoutNanos) {
                finish(t, false, "no acknowledgement for " + (timeoutNanos / 1_000_000) + " ms");
            }
        }
    }

    /** Abandons every transfer without reporting (the node is stopping). */
    void closeAll() {
        for (Transfer t : new ArrayList<>(byPeer.values())) {
            abandon(t, "the node is stopping");
        }
    }

    /** Transfers running (for tests). */
    int activeTransfers() {
        return byPeer.size();
    }

    private void pump(Transfer t) {
        while (!t.lastSent && t.inflightEnds.size() < inflightChunks) {
            ByteString data = t.reader.read(t.nextOffset, chunkBytes);
            long end = t.nextOffset + data.size();
            boolean last = end >= t.size;
            if (data.isEmpty() && !last) {
                finish(t, false, "the snapshot store returned no data at byte " + t.nextOffset + " of " + t.size);
                return;
            }
            SnapshotChunk chunk = SnapshotChunk.newBuilder()
                    .setMetadata(t.reader.metadata())
                    .setTransferId(t.transferId)
                    .setOffset(t.nextOffset)
                    .setData(data)
                    .setLast(last)
                    .build();
            transport.send(RaftMessage.newBuilder()
                    .setType(MessageType.MSG_SNAPSHOT_CHUNK)
                    .setFrom(nodeId)
                    .setTo(t.peer)
                    .setTerm(t.term)
                    .setChunk(chunk)
                    .build());
            t.inflightEnds.add(end);
            t.nextOffset = end;
            t.lastSent = last;
            t.chunksSent++;
        }
    }

    private void finish(Transfer t, boolean success, String why) {
        byPeer.remove(t.peer);
        t.reader.close();
        if (success) {
            log.info("node {}: snapshot transfer {} to node {} done: {}", nodeId, t.transferId, t.peer, why);
        } else {
            log.warn("node {}: snapshot transfer {} to node {} failed: {}", nodeId, t.transferId, t.peer, why);
        }
        inbox.post(new LoopEvent.SnapshotReport(t.peer, success));
    }

    private void abandon(Transfer t, String why) {
        byPeer.remove(t.peer);
        t.reader.close();
        log.debug("node {}: snapshot transfer {} to node {} abandoned: {}", nodeId, t.transferId, t.peer, why);
    }
}
