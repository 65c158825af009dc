package org.understudy.bench.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.frame.FrameFormat;

/**
 * The baseline: a minimal Netty client ("A", one event-loop thread) talking to a
 * {@link RawEchoServer} ("B", one more) over one loopback TCP connection, with the transport's
 * framing (a 4-byte big-endian length, then the bytes). {@link #send} copies the payload into a
 * pooled buffer behind its length, as any sender of a {@code byte[]} must, and writes and flushes
 * it; the server returns the frame unchanged; the client's decoder strips the prefix and the
 * handler releases the frame and calls {@code onReply}. No parsing, no queue of its own, no
 * handshake: what is left is Netty, the kernel's loopback and the thread hand-offs, which is the
 * floor for any framed transport built on Netty.
 */
final class RawEchoLink implements RoundTripLink {
    static final String THREAD_NAME = "bench-raw-echo-client";

    private final NettyIo io;
    private final byte[] payload;
    private final RawEchoServer server;
    private final MultiThreadIoEventLoopGroup group;
    private final Channel channel;

    RawEchoLink(NettyIo io, byte[] payload, Runnable onReply) {
        this.io = io;
        this.payload = payload;
        int maxFrameBytes = FrameFormat.DEFAULT_MAX_FRAME_BYTES;
        this.server = new RawEchoServer(io, maxFrameBytes);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true), io.handlerFactory());
        try {
            this.channel = new Bootstrap()
                    .group(group)
                    .channel(io.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(4 + maxFrameBytes, 0, 4, 0, 4));
                            ch.pipeline().addLast(new ReplyHandler(onReply));
                        }
                    })
                    .connect(server.address()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            closeThreads();
            throw e;
        }
    }

    @Override
    public void send() {
        ByteBuf frame = channel.alloc().ioBuffer(4 + payload.length, 4 + payload.length);
        frame.writeInt(payload.length).writeBytes(payload);
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    @Override
    public String describe() {
        return RoundTripLinks.RAW_ECHO + " over " + io + ": 1 client + 1 server event-loop thread, one connection";
    }

    @Override
    public long droppedMessages() {
        return 0; // nothing in the echo path drops: an error closes the connection and the wait times out
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return List.of(server.address());
    }

    @Override
    public void close() {
        try {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            closeThreads();
        }
    }

    private void closeThreads() {
        try {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }
}
