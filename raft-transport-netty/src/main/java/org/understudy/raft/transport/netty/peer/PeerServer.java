package org.understudy.raft.transport.netty.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.TransportException;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.support.LogThrottle;

/**
 * Accepts peer connections. Server pipeline per connection: {@code [tls] → stall-guard → frame-decoder →
 * message-decoder (Handshake, then RaftMessage) → frame-encoder → handshake (HandshakeAcceptor,
 * then peer-messages: InboundMessageHandler)}. Accepted connections are tracked so that closing
 * the server closes them too. A two-way connection (see {@link OutboundLane}) gets its lane's
 * write-buffer watermarks when a lane adopts it; until then nothing but the handshake reply is
 * written to it.
 */
final class PeerServer implements AutoCloseable {
    private final NettyTransportOptions options;
    private final IoKind io;
    private final SslContext tls;
    private final InboundDelivery delivery;
    private final EventLoopGroup group;
    private final ReverseLanes reverseLanes;
    /** One WARN line per 10 s for stalled frames, across all connections of this transport. */
    private final LogThrottle stallLog;
    private final ChannelGroup accepted = new DefaultChannelGroup("peer-connections", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    /**
     * @param reverseLanes which lane may answer on an accepted two-way connection
     * @param stallLog the throttle of stalled-frame WARN lines, shared with the dialled connections
     */
    PeerServer(NettyTransportOptions options, IoKind io, SslContext tls, InboundDelivery delivery, EventLoopGroup group,
            ReverseLanes reverseLanes, LogThrottle stallLog) {
        this.options = options;
        this.io = io;
        this.tls = tls;
        this.delivery = delivery;
        this.group = group;
        this.reverseLanes = reverseLanes;
        this.stallLog = stallLog;
    }

    /**
     * Binds the listen address (blocking the caller, never an event loop) and returns the bound
     * address.
     *
     * @throws TransportException of kind {@code CANNOT_LISTEN} if the bind fails
     */
    InetSocketAddress bind() {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true) // rebinding the same port right after a restart
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            p.addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        p.addLast("stall-guard", new StalledFrameGuard(options.stalledFrameTimeout(), delivery,
                                stallLog));
                        FramePipeline.install(p, options.maxFrameBytes(), Handshake.parser());
                        p.addLast("handshake", new HandshakeAcceptor(options.clusterId(), delivery,
                                options.connectTimeout(), reverseLanes));
                    }
                });
        try {
            serverChannel = bootstrap.bind(options.listenHost(), options.listenPort()).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new TransportException(TransportException.Kind.CANNOT_LISTEN, "node " + options.nodeId()
                    + " cannot listen on " + new PeerAddress(options.listenHost(), options.listenPort()) + ": "
                    + OutboundLane.describe(e) + " (is the port taken, or the host not an address of this machine?)", e);
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    int acceptedConnections() {
        return accepted.size();
    }

    /** Stops listening and closes every accepted connection, waiting for both. */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Stops listening and closes every accepted connection.
     *
     * @param wait whether to wait until the port is released (never from an event loop of this
     *     transport: the loop itself has to do the closing)
     */
    void close(boolean wait) {
        if (serverChannel != null) {
            var closing = serverChannel.close();
            if (wait) {
                closing.awaitUninterruptibly(5_000);
            }
        }
        var closingAll = accepted.close();
        if (wait) {
            closingAll.awaitUninterruptibly(5_000);
        }
    }
}
