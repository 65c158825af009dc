package org.understudy.raft.transport.netty.peer;

import io.netty.channel.EventLoop;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** Everything this node keeps to send to one peer: its address and one {@link OutboundLane} per lane. */
final class PeerLink {
    private final long peer;
    private final PeerAddress address;
    private final Map<Lane, OutboundLane> lanes = new EnumMap<>(Lane.class);

    /** @param loops picks the event loop of each lane (different ones when there are several) */
    PeerLink(long peer, PeerAddress address, Supplier<EventLoop> loops,
            OutboundLane.Context context) {
        this.peer = peer;
        this.address = address;
        for (Lane lane : Lane.values()) {
            lanes.put(lane, new OutboundLane(peer, lane, address, loops.get(), context));
        }
    }

    long peer() {
        return peer;
    }

    PeerAddress address() {
        return address;
    }

    OutboundLane lane(Lane lane) {
        return lanes.get(lane);
    }

    /** Applies a learner's bulk bandwidth limit ({@code bytesPerSecond}, 0 = none) or lifts it. */
    void setLearner(boolean learner, long bytesPerSecond) {
        lanes.get(Lane.BULK).setRateLimit(learner ? bytesPerSecond : 0);
    }

    void close(DropReason reason) {
        lanes.values().forEach(l -> l.close(reason));
    }
}
