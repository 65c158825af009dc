package org.understudy.raft.transport.netty.peer;

import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.transport.netty.proto.LaneKind;

/**
 * A class of peer traffic with its own connection per peer (DESIGN.md §6). Separate TCP
 * connections mean separate socket buffers and separate Netty outbound buffers, so a megabyte of
 * snapshot queued for a slow learner never sits in front of a heartbeat.
 */
public enum Lane {
    /** Heartbeats, votes, every response, snapshot metadata and small appends. Never rate-limited. */
    CONTROL(LaneKind.LANE_CONTROL),
    /** Snapshot chunks and appends larger than the bulk threshold; rate-limited to learners. */
    BULK(LaneKind.LANE_BULK);

    private final LaneKind wire;

    Lane(LaneKind wire) {
        this.wire = wire;
    }

    /**
     * The lane of {@code message}: {@code MSG_SNAPSHOT_CHUNK} and appends whose serialized size is
     * above {@code bulkThresholdBytes} go {@link #BULK}, everything else {@link #CONTROL}. An
     * append may thus overtake a larger one sent before it; Raft tolerates reordering (the follower
     * rejects the gap and the leader probes), and it is what keeps small appends from waiting
     * behind catch-up traffic.
     */
    public static Lane of(RaftMessage message, int serializedSize, int bulkThresholdBytes) {
        MessageType type = message.getType();
        if (type == MessageType.MSG_SNAPSHOT_CHUNK) {
            return BULK;
        }
        if (type == MessageType.MSG_APPEND && serializedSize > bulkThresholdBytes) {
            return BULK;
        }
        return CONTROL;
    }

    /** The metric tag value: {@code control} or {@code bulk}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    LaneKind wire() {
        return wire;
    }

    /** The lane a handshake names, or {@code null} for an unknown one. */
    static Lane fromWire(LaneKind kind) {
        for (Lane lane : values()) {
            if (lane.wire == kind) {
                return lane;
            }
        }
        return null;
    }
}
