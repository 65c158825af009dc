package org.understudy.raft.transport.netty.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.HandshakeReply;
import org.understudy.raft.transport.netty.support.LogThrottle;

/**
 * Opens a lane's connection: a socket on the lane's own event loop, with that lane's write-buffer
 * watermarks, optionally TLS, the frame codec, and an {@link OutboundHandler} that sends the
 * handshake as soon as the connection is up.
 *
 * <p>Client pipeline: {@code [tls] → stall-guard → frame-decoder → message-decoder (HandshakeReply,
 * then RaftMessage on a two-way connection) → frame-encoder → outbound}. The handshake asks for a
 * two-way connection unless {@link NettyTransportOptions#twoWayConnections()} is off.
 */
final class PeerConnector {
    private final String clusterId;
    private final long selfId;
    private final NettyTransportOptions options;
    private final IoKind io;
    private final SslContext tls;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final InboundDelivery delivery;
    private final LogThrottle stallLog;

    PeerConnector(NettyTransportOptions options, IoKind io, SslContext tls,
            AddressResolverGroup<InetSocketAddress> resolver, InboundDelivery delivery, LogThrottle stallLog) {
        this.delivery = delivery;
        this.stallLog = stallLog;
        this.clusterId = options.clusterId();
        this.selfId = options.nodeId();
        this.options = options;
        this.io = io;
        this.tls = tls;
        this.resolver = resolver;
    }

    /** Starts connecting {@code lane}; the future fails if the TCP connect does. */
    ChannelFuture connect(OutboundLane lane) {
        PeerAddress to = lane.address();
        Bootstrap bootstrap = new Bootstrap()
                .group(lane.loop())
                .channel(io.socketChannel())
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        options.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, options.watermark(lane.lane()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            // host and port make the TLS engine verify the name dialled (if configured) and send SNI
                            p.addLast("tls", tls.newHandler(ch.alloc(), to.host(), to.port()));
                        }
                        p.addLast("stall-guard", new StalledFrameGuard(options.stalledFrameTimeout(), delivery, stallLog));
                        FramePipeline.install(p, options.maxFrameBytes(), HandshakeReply.parser());
                        p.addLast("outbound", new OutboundHandler(lane, clusterId, PeerProtocol.handshake(clusterId,
                                selfId, lane.peer(), lane.lane(), options.twoWayConnections()), delivery));
                    }
                });
        return bootstrap.connect(to.socketAddress());
    }
}
