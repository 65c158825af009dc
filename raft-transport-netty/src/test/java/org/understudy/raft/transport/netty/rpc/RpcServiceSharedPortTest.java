package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.bytes;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.result;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcService} on a port another server accepts for (raft-kv's HTTP port): a detector sends
 * connections that start with a zero byte to the RPC and the rest to a line-echo protocol. Both
 * work side by side, and closing the service closes only the connections it adopted.
 */
class RpcServiceSharedPortTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private RpcService service;
    private Channel listener;
    private final RpcFixture fixture = new RpcFixture();

    @AfterEach
    void close() {
        fixture.close();
        if (service != null) {
            service.close();
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The other protocol: "x\n" → "echo x\n". */
    private static final class LineEcho extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            ctx.writeAndFlush("echo " + line + "\n");
        }
    }

    private final class Detector extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            RpcService.Detection protocol = RpcService.detect(in);
            if (protocol == RpcService.Detection.NEED_MORE_BYTES) {
                return;
            }
            if (protocol == RpcService.Detection.RPC) {
                service.adopt(ctx.channel());
            } else {
                ctx.pipeline().addLast(new LineBasedFrameDecoder(1024), new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8), new LineEcho());
            }
            ctx.pipeline().remove(this);
        }
    }

    private int start() {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Detector());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        service = new RpcService(RpcServerOptions.builder().name("shared").listen("127.0.0.1", port)
                .meterRegistry(new SimpleMeterRegistry()).build(),
                Map.of("echo", (ctx, request) -> CompletableFuture.completedFuture(request.concat(bytes("!")))));
        return port;
    }

    @Test
    void rpcAndAnotherProtocolShareOnePort() throws Exception {
        int port = start();
        RpcClient client = fixture.add(new RpcClient(RpcClientOptions.builder("127.0.0.1", port).build()));
        try (Socket text = new Socket("127.0.0.1", port)) {
            OutputStream out = text.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(text.getInputStream(), StandardCharsets.UTF_8));
            out.write("hello\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("echo hello");

            assertThat(result(client.call("echo", bytes("rpc"), Duration.ofSeconds(10)))).isEqualTo("rpc!");
            assertThat(result(client.call("echo", bytes("again"), Duration.ofSeconds(10)))).isEqualTo("again!");
            assertThat(service.connections()).isEqualTo(1);
            assertThat(service.methods()).containsExactly("echo");

            out.write("still here\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("echo still here");
        }
    }

    @Test
    void closingTheServiceClosesItsConnectionsOnly() throws Exception {
        int port = start();
        RpcClient client = fixture.add(new RpcClient(RpcClientOptions.builder("127.0.0.1", port)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build()));
        assertThat(result(client.call("echo", bytes("x"), Duration.ofSeconds(10)))).isEqualTo("x!");
        try (Socket text = new Socket("127.0.0.1", port)) {
            OutputStream out = text.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(text.getInputStream(), StandardCharsets.UTF_8));
            service.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
            assertThat(service.connections()).isZero();

            out.write("after\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("echo after");
            // a new RPC connection to a closed service is closed at once: the call fails, typed
            assertThat(RpcFixture.failure(client.call("echo", bytes("y"), Duration.ofSeconds(5))).code().name())
                    .isEqualTo("UNAVAILABLE");
        }
    }

    @Test
    void onlyTheLengthPrefixOfASmallHelloIsRpc() {
        assertThat(detect(0, 0, 0, 12, 8)).isEqualTo(RpcService.Detection.RPC);
        assertThat(detect(0, 0, 0x10, 0)).as("a 4 KiB hello, the largest").isEqualTo(RpcService.Detection.RPC);
        assertThat(detect(0, 0, 0x10, 1)).as("longer than any hello").isEqualTo(RpcService.Detection.OTHER);
        assertThat(detect(0, 1, ' ', 'N')).as("garbage that starts with zero").isEqualTo(RpcService.Detection.OTHER);
        assertThat(detect(0, 0, 0, 0)).as("an empty first frame").isEqualTo(RpcService.Detection.OTHER);
        assertThat(detect('G', 'E', 'T', ' ')).isEqualTo(RpcService.Detection.OTHER);
        assertThat(detect(0x16, 3, 1)).as("a TLS record").isEqualTo(RpcService.Detection.OTHER);
        assertThat(detect(0, 0, 0)).isEqualTo(RpcService.Detection.NEED_MORE_BYTES);
        assertThat(detect()).isEqualTo(RpcService.Detection.NEED_MORE_BYTES);
    }

    @Test
    void aClientNameThatWouldNotFitTheHelloIsRefusedUpFront() {
        assertThatThrownBy(() -> RpcClientOptions.builder("127.0.0.1", 1).clientName("x".repeat(1025)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024");
        assertThat(RpcProtocol.hello("é".repeat(RpcProtocol.MAX_CLIENT_NAME_CHARS)).getSerializedSize() + 4)
                .isLessThanOrEqualTo(RpcProtocol.MAX_HELLO_BYTES);
    }

    private static RpcService.Detection detect(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return RpcService.detect(Unpooled.wrappedBuffer(b));
    }
}
