package org.understudy.raft.transport.netty.peer;

import io.netty.channel.Channel;

/**
 * Finds the lane of this node that may answer a peer on a connection the peer dialled (a two-way
 * connection, see {@link OutboundLane}). Implemented by {@link NettyTransport}, which knows the
 * configured peers and the TLS settings.
 */
@FunctionalInterface
interface ReverseLanes {
    /** Never answers on an accepted connection. */
    ReverseLanes NONE = (peer, lane, channel) -> null;

    /**
     * The lane to {@code peer} for {@code lane} that may send on {@code channel}, whose handshake
     * named {@code peer} as sender; {@code null} if none may (called on the channel's event loop;
     * must not block).
     */
    OutboundLane laneFor(long peer, Lane lane, Channel channel);
}
