package org.understudy.bench.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.understudy.raft.transport.netty.frame.FrameFormat;

/**
 * A diagnostic baseline, not in the default parameter list ({@code -p impl=raw-relay}): raw
 * frames as in {@link RawEchoLink}, but laid out like the transport, with one TCP connection per
 * direction. A (one event-loop thread) listens and dials B; B (one thread) listens and dials A.
 * Requests go A → B on A's connection, B writes each frame unchanged onto its own connection to
 * A, and A's accepted connection delivers the replies. Comparing it with {@code raw-echo} shows
 * what the one-connection-per-direction layout costs by itself (pure ACK segments, a second
 * socket per side); comparing it with {@code understudy} shows what the transport's own code
 * (protobuf, lanes, handshake state, metrics) adds.
 */
final class RawRelayLink implements RoundTripLink {
    static final String THREAD_NAME = "bench-raw-relay-";

    private final NettyIo io;
    private final byte[] payload;
    private final MultiThreadIoEventLoopGroup groupA;
    private final MultiThreadIoEventLoopGroup groupB;
    private Channel listenerA;
    private Channel listenerB;
    private Channel aToB;
    private Channel bToA;

    RawRelayLink(NettyIo io, byte[] payload, Runnable onReply) {
        this.io = io;
        this.payload = payload;
        int maxFrame = 4 + FrameFormat.DEFAULT_MAX_FRAME_BYTES;
        groupA = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME + "a", true), io.handlerFactory());
        groupB = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME + "b", true), io.handlerFactory());
        try {
            listenerA = listen(groupA, () -> new LengthFieldBasedFrameDecoder(maxFrame, 0, 4, 0, 4), new ReplyHandler(onReply));
            Relay relay = new Relay();
            listenerB = listen(groupB, () -> new LengthFieldBasedFrameDecoder(maxFrame, 0, 4, 0, 0), relay);
            bToA = dial(groupB, (InetSocketAddress) listenerA.localAddress());
            relay.to = bToA;
            aToB = dial(groupA, (InetSocketAddress) listenerB.localAddress());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Channel listen(EventLoopGroup group, Supplier<ChannelHandler> decoder, ChannelHandler handler) {
        return new ServerBootstrap()
                .group(group)
                .channel(io.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(decoder.get(), handler);
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** A connection that only sends: whatever arrives on it is discarded. */
    private Channel dial(EventLoopGroup group, InetSocketAddress to) {
        return new Bootstrap()
                .group(group)
                .channel(io.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                })
                .connect(to).syncUninterruptibly().channel();
    }

    @Override
    public void send() {
        ByteBuf frame = aToB.alloc().ioBuffer(4 + payload.length, 4 + payload.length);
        frame.writeInt(payload.length).writeBytes(payload);
        aToB.writeAndFlush(frame, aToB.voidPromise());
    }

    @Override
    public String describe() {
        return "raw-relay over " + io + ": 1 event-loop thread per side, one connection per direction";
    }

    @Override
    public long droppedMessages() {
        return 0;
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return List.of((InetSocketAddress) listenerA.localAddress(), (InetSocketAddress) listenerB.localAddress());
    }

    @Override
    public void close() {
        for (Channel ch : new Channel[] {aToB, bToA, listenerA, listenerB}) {
            if (ch != null) {
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        groupA.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        groupB.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** B: each frame (prefix included) goes out unchanged on B's own connection to A; one flush per read. */
    @ChannelHandler.Sharable
    private static final class Relay extends ChannelInboundHandlerAdapter {
        volatile Channel to; // set before A's first frame can arrive

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object frame) {
            to.write(frame, to.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            to.flush();
        }
    }
}
