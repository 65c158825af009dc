package org.understudy.bench.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The "B" side of the raw echo: one event-loop thread, a {@link LengthFieldBasedFrameDecoder} that
 * cuts the stream into 4-byte-length-prefixed frames and keeps the prefix, and a handler that
 * writes every frame back unchanged (no copy: the decoded slice itself goes out) and flushes once
 * per read, as Netty's own echo example does. The least work a framed echo can do.
 */
final class RawEchoServer implements AutoCloseable {
    static final String THREAD_NAME = "bench-raw-echo-server";

    private final MultiThreadIoEventLoopGroup group;
    private final Channel listener;

    RawEchoServer(NettyIo io, int maxFrameBytes) {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true), io.handlerFactory());
        EchoHandler echo = new EchoHandler();
        try {
            listener = new ServerBootstrap()
                    .group(group)
                    .channel(io.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(4 + maxFrameBytes, 0, 4, 0, 0));
                            ch.pipeline().addLast(echo);
                        }
                    })
                    .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Closes the listener and every accepted connection, and waits for the thread to stop. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Writes each frame (prefix included) back; one flush when the read is done. */
    @Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object frame) {
            ctx.write(frame, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
