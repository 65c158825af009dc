/**
 * The peer {@link org.understudy.raft.spi.Transport} on Netty:
 * {@link org.understudy.raft.transport.netty.peer.NettyTransport}, built from
 * {@link org.understudy.raft.transport.netty.peer.NettyTransportOptions}.
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>Inbound: {@code PeerServer} accepts connections; {@code HandshakeAcceptor} checks the
 *       first frame (protocol version, cluster id, intended receiver) before anything is delivered,
 *       then hands the connection to {@code InboundMessageHandler}, which decodes Raft messages and
 *       passes them to {@code InboundDelivery} (straight to the node's non-blocking inbound
 *       handler, on the event loop).</li>
 *   <li>Outbound: one {@code PeerLink} per peer holds one {@code OutboundLane} per {@link
 *       org.understudy.raft.transport.netty.peer.Lane}; each lane owns at most one connection
 *       (opened lazily by {@code PeerConnector}, re-opened after a {@code Backoff}), a bounded
 *       queue, and for learners' bulk lane a {@code TokenBucket}.</li>
 *   <li>Two-way connections: when both handshake messages say {@code two_way}, a lane answers the
 *       peer on the connection the peer dialled ({@code ReverseLanes} finds the lane,
 *       {@code ClientCertificates} checks a TLS client is the configured peer, and
 *       {@code OutboundLane#offerIncoming} decides), and the dialling side's
 *       {@code OutboundHandler} delivers what comes back. One connection per peer and lane then
 *       carries both directions.</li>
 *   <li>{@code TransportMetrics} names every meter; {@code IoKind} picks epoll or NIO.</li>
 * </ul>
 */
package org.understudy.raft.transport.netty.peer;
