package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.kit.RecordingInbound;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.proto.Handshake;

/**
 * The dialling side of a two-way connection reads what the peer sends with the guards of an
 * accepted connection: a message for another node is dropped, a malformed frame closes the
 * connection (counted, lane reconnects), a frame that stops midway is closed after
 * {@code stalledFrameTimeout}. The peer is a hand-driven stub that accepts the handshake with
 * {@code two_way} and then writes raw bytes.
 */
class TwoWayDiallerGuardTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long STUB = 2;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private NettyTransport transport;
    private volatile boolean askedTwoWay;

    @AfterEach
    void close() {
        if (transport != null) {
            transport.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A peer that answers every handshake as node 2 with two_way, then lets {@code after} write. */
    private InetSocketAddress stub(Consumer<Channel> after) {
        return (InetSocketAddress) new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        FramePipeline.install(c.pipeline(), 1 << 20, Handshake.parser());
                        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private boolean answered; // later frames are the dialler's Raft messages

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (!answered && msg instanceof Handshake h) {
                                    answered = true;
                                    askedTwoWay = h.getTwoWay();
                                    ctx.writeAndFlush(PeerProtocol.accepted("guard", STUB, true));
                                    after.accept(ctx.channel());
                                }
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel().localAddress();
    }

    private RecordingInbound start(InetSocketAddress stub, SimpleMeterRegistry meters, Duration stalledFrameTimeout) {
        transport = new NettyTransport(TestTransports.options("guard", 1, meters)
                .stalledFrameTimeout(stalledFrameTimeout).build());
        RecordingInbound inbound = new RecordingInbound();
        transport.start(inbound);
        transport.updatePeer(STUB, "127.0.0.1:" + stub.getPort());
        transport.send(heartbeat(1, STUB, "hello"));
        return inbound;
    }

    private static RaftMessage heartbeat(long from, long to, String tag) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(from).setTo(to).setTerm(1)
                .setContext(ByteString.copyFromUtf8(tag)).build();
    }

    @Test
    void theDiallerDeliversAnswersAndDropsMisaddressedOnes() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InetSocketAddress stub = stub(ch -> {
            ch.write(heartbeat(STUB, 1, "answer"));
            ch.write(heartbeat(3, 1, "forged-sender"));
            ch.writeAndFlush(heartbeat(STUB, 9, "wrong-receiver"));
        });
        RecordingInbound inbound = start(stub, meters, Duration.ofSeconds(15));
        await().atMost(WAIT).until(() -> TestTransports.count(meters, "messages.received") == 3);
        assertThat(askedTwoWay).as("the dialler's handshake asks for two_way").isTrue();
        assertThat(inbound.tagged("answer")).hasSize(1);
        assertThat(inbound.received()).hasSize(1);
        assertThat(TestTransports.count(meters, "messages.dropped", "reason", "misaddressed")).isEqualTo(2.0);
    }

    @Test
    void aMalformedFrameClosesTheDialledConnectionAndIsCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InetSocketAddress stub = stub(ch -> {
            ByteBuf garbage = ch.alloc().buffer();
            garbage.writeInt(5).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
            ch.writeAndFlush(garbage);
        });
        RecordingInbound inbound = start(stub, meters, Duration.ofSeconds(15));
        await().atMost(WAIT).until(() -> TestTransports.count(meters, "frames.malformed") >= 1
                && TestTransports.count(meters, "connect.failures", "lane", "control") >= 1);
        assertThat(inbound.unreachable()).contains(STUB);
        assertThat(inbound.received()).isEmpty();
    }

    @Test
    void aFrameThatStopsMidwayOnTheDialledConnectionIsClosed() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InetSocketAddress stub = stub(ch -> {
            ByteBuf half = ch.alloc().buffer();
            half.writeInt(100).writeBytes(new byte[10]); // 10 of 100 announced bytes, then silence
            ch.writeAndFlush(half);
        });
        start(stub, meters, Duration.ofMillis(300));
        await().atMost(WAIT).until(() -> TestTransports.count(meters, "frames.stalled") >= 1
                && TestTransports.count(meters, "connect.failures", "lane", "control") >= 1);
    }
}
