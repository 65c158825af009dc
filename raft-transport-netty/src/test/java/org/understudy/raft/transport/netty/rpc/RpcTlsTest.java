package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.ECHO;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.WAIT;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.bytes;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.count;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.failure;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.result;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.rpc.proto.RpcHelloReply;
import org.understudy.raft.transport.netty.tls.TestPki;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * RPC over TLS with PEM files from the test PKI: server-only TLS and mutual TLS work; with mutual
 * TLS a client whose certificate no trusted CA signed, or that has none, is refused before any
 * handler runs.
 */
class RpcTlsTest {
    @TempDir
    static Path pkiDir;
    private static TestPki pki;
    /** Server and client share one identity, as peers do (its certificate is good for both uses). */
    private static TestPki.Identity node;
    private static TestPki.Identity intruder;
    /** A client with its own name, to tell its certificate from the server's. */
    private static TestPki.Identity client;

    private final RpcFixture fixture = new RpcFixture();
    private final AtomicInteger handled = new AtomicInteger();
    private final Map<String, RpcHandler> handlers = Map.of("echo", (ctx, request) -> {
        handled.incrementAndGet();
        return ECHO.handle(ctx, request);
    });

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(pkiDir);
        node = pki.issue("rpc-node", "ip:127.0.0.1,dns:localhost");
        intruder = pki.selfSigned("rpc-intruder");
        client = pki.issue("billing-client", "dns:billing.example");
    }

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    private static TlsSettings.Builder tls(TestPki.Identity identity) {
        return TlsSettings.builder(identity.chain(), identity.key(), pki.caCertificate());
    }

    @Test
    void mutualTlsCarriesCalls() throws Exception {
        RpcServer s = fixture.server(b -> b.tls(tls(node).build()), handlers);
        RpcClient c = fixture.client(s, b -> b.tls(tls(node).build()));
        assertThat(result(c.call("echo", bytes("over mutual TLS"), WAIT))).isEqualTo("over mutual TLS");
        assertThat(result(c.call("echo", bytes("x".repeat(200_000)), WAIT))).hasSize(200_000); // many TLS records
    }

    /** Answers with the subject the handler sees, or "none". */
    private static final Map<String, RpcHandler> WHO_AM_I = Map.of("whoami", (ctx, request) ->
            CompletableFuture.completedFuture(bytes(ctx.peerPrincipal()
                    .map(X500Principal::getName).orElse("none"))));

    @Test
    void withMutualTlsTheHandlerSeesTheClientsVerifiedCertificateSubject() throws Exception {
        RpcServer s = fixture.server(b -> b.tls(tls(node).build()), WHO_AM_I);
        RpcClient billing = fixture.client(s, b -> b.tls(tls(client).build()));
        RpcClient peer = fixture.client(s, b -> b.tls(tls(node).build()));

        assertThat(result(billing.call("whoami", bytes(""), WAIT))).isEqualTo("CN=billing-client");
        assertThat(result(peer.call("whoami", bytes(""), WAIT))).isEqualTo("CN=rpc-node");
    }

    @Test
    void withoutMutualTlsThereIsNoClientPrincipal() throws Exception {
        RpcServer serverOnly = fixture.server(b -> b.tls(tls(node).mutualTls(false).build()), WHO_AM_I);
        RpcClient overTls = fixture.client(serverOnly, b -> b.tls(tls(client).build()));
        assertThat(result(overTls.call("whoami", bytes(""), WAIT))).isEqualTo("none");

        RpcServer plain = fixture.server(b -> b, WHO_AM_I);
        RpcClient overTcp = fixture.client(plain, b -> b);
        assertThat(result(overTcp.call("whoami", bytes(""), WAIT))).isEqualTo("none");
    }

    @Test
    void serverOnlyTlsAcceptsAClientWhoseCertificateNoCaSigned() throws Exception {
        RpcServer s = fixture.server(b -> b.tls(tls(node).mutualTls(false).build()), handlers);
        RpcClient c = fixture.client(s, b -> b.tls(tls(intruder).build()));
        assertThat(result(c.call("echo", bytes("server-only"), WAIT))).isEqualTo("server-only");
    }

    @Test
    void withMutualTlsAClientWithACertificateFromAnotherCaIsRefused() throws Exception {
        RpcServer s = fixture.server(b -> b.tls(tls(node).build()), handlers);
        // it trusts the server's CA, so only the server can object
        RpcClient c = fixture.client(s, b -> b.tls(tls(intruder).build()));

        RaftException e = failure(c.call("echo", bytes("let me in"), WAIT));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("cannot connect to " + s.address());
        assertThat(e.details()).containsEntry("outcome", "not-sent");
        await().atMost(WAIT).until(() -> count(s, "connections.closed", "reason", "tls") >= 1);
        assertThat(handled).hasValue(0);
    }

    @Test
    void withMutualTlsAClientWithoutACertificateIsRefusedBeforeItsHelloIsAnswered() throws Exception {
        RpcServer s = fixture.server(b -> b.tls(tls(node).build()), handlers);
        SslContext noCertificate = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(pki.caCertificate().toFile()).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        fixture.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        Queue<Object> received = new ConcurrentLinkedQueue<>();

        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(noCertificate.newHandler(c.alloc(), "127.0.0.1", s.localAddress().getPort()));
                FramePipeline.install(c.pipeline(), 1 << 20, RpcHelloReply.parser());
                c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add(msg);
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the server's alert: expected
                    }
                });
            }
        }).connect(s.localAddress()).syncUninterruptibly().channel();
        ch.writeAndFlush(RpcProtocol.hello("no-certificate"));

        await().atMost(WAIT).until(() -> !ch.isActive());
        assertThat(received).as("no hello reply").isEmpty();
        await().atMost(WAIT).until(() -> count(s, "connections.closed", "reason", "tls") >= 1);
        assertThat(handled).hasValue(0);
    }
}
