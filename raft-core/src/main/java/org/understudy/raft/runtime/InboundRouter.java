package org.understudy.raft.runtime;

import java.util.function.BooleanSupplier;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * The node's {@link Transport.Inbound}: never blocks and never does work on the transport's
 * thread. Raft messages go to the event loop's peer lane (dropped when it is full: Raft re-sends),
 * snapshot chunk traffic to the snapshot thread. Messages for another node, and anything that
 * arrives while the node is not running, are dropped.
 */
final class InboundRouter implements Transport.Inbound {
    private final long nodeId;
    private final Inbox inbox;
    private final SnapshotTransfers snapshots;
    private final BooleanSupplier running;

    InboundRouter(long nodeId, Inbox inbox, SnapshotTransfers snapshots, BooleanSupplier running) {
        this.nodeId = nodeId;
        this.inbox = inbox;
        this.snapshots = snapshots;
        this.running = running;
    }

    @Override
    public void onMessage(RaftMessage message) {
        if (message.getTo() != nodeId || !running.getAsBoolean()) {
            return;
        }
        switch (message.getType()) {
            case MSG_SNAPSHOT_CHUNK, MSG_SNAPSHOT_CHUNK_RESP -> snapshots.onInbound(message);
            default -> inbox.offerPeer(new LoopEvent.PeerMessage(message));
        }
    }

    @Override
    public void onUnreachable(long peer) {
        if (running.getAsBoolean()) {
            inbox.offerPeer(new LoopEvent.Unreachable(peer));
        }
    }
}
