package org.understudy.raft.transport.netty.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;

/**
 * Hand-driven ends of a peer connection, built from the frame codec only, for tests that need to
 * misbehave: a client that sends what it likes, and a server that accepts handshakes and then
 * stops reading (a slow peer).
 */
final class RawPeer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /** A connected client; what it receives (handshake replies) is in {@link #received}. */
    record Client(Channel channel, Queue<Object> received) {}

    /**
     * Connects to {@code to}, with TLS when {@code tls} is not null (no client certificate unless the
     * context has one).
     */
    Client connect(InetSocketAddress to, SslContext tls) {
        Queue<Object> received = new ConcurrentLinkedQueue<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        if (tls != null) {
                            c.pipeline().addLast(tls.newHandler(c.alloc(), to.getHostString(), to.getPort()));
                        }
                        FramePipeline.install(c.pipeline(), 1 << 20, HandshakeReply.parser());
                        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.add(msg);
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                received.add(cause);
                                ctx.close();
                            }
                        });
                    }
                }).connect(to).syncUninterruptibly().channel();
        return new Client(ch, received);
    }

    /**
     * A server that answers every handshake as node {@code self} of {@code cluster}, then never
     * reads again: the sender's writes pile up in the socket buffers and then in the sender.
     * {@code accepted} counts the handshakes answered.
     */
    InetSocketAddress stubbornServer(String cluster, long self, AtomicLong accepted) {
        return (InetSocketAddress) new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        FramePipeline.install(c.pipeline(), 1 << 20, Handshake.parser());
                        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Handshake) {
                                    ctx.writeAndFlush(PeerProtocol.accepted(cluster, self));
                                    ctx.channel().config().setAutoRead(false);
                                    accepted.incrementAndGet();
                                }
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel().localAddress();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
