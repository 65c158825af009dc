package org.understudy.raft.transport.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.kit.RecordingInbound;
import org.understudy.raft.transport.netty.TransportException;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;
import org.understudy.raft.transport.netty.proto.LaneKind;

/**
 * TLS on peer connections with certificates from PEM files: a mutual-TLS pair talks; a peer with
 * no certificate, or one its CA did not sign, is refused before anything is delivered; a host name
 * the certificate does not carry is refused when verification is on.
 */
class MutualTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path pkiDir;
    private static TestPki pki;
    private static TestPki.Identity node1;
    private static TestPki.Identity node2;
    private static TestPki.Identity intruder;
    private static TestPki.Identity wrongName;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(pkiDir);
        node1 = pki.issue("node1", "ip:127.0.0.1,dns:localhost");
        node2 = pki.issue("node2", "ip:127.0.0.1,dns:localhost");
        wrongName = pki.issue("elsewhere", "dns:elsewhere.invalid");
        intruder = pki.selfSigned("intruder");
    }

    @AfterEach
    void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static TlsSettings.Builder tls(TestPki.Identity identity) {
        return TlsSettings.builder(identity.chain(), identity.key(), pki.caCertificate());
    }

    private NettyTransport transport(long id, TlsSettings tls, SimpleMeterRegistry meters) {
        NettyTransport t = new NettyTransport(NettyTransportOptions.builder("tls", id).listen("127.0.0.1", 0)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).tls(tls).meterRegistry(meters).build());
        closeables.add(t);
        return t;
    }

    private static RaftMessage heartbeat(long from, long to, String tag) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(from).setTo(to).setTerm(1)
                .setContext(ByteString.copyFromUtf8(tag)).build();
    }

    private static double rejected(SimpleMeterRegistry meters, String reason, String side) {
        return meters.find("understudy.transport.handshake.rejected").tags("reason", reason, "side", side).counters()
                .stream().mapToDouble(Counter::count).sum();
    }

    private static void sendUntilReceived(NettyTransport from, long fromId, long toId, RecordingInbound to, String tag) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            from.send(heartbeat(fromId, toId, tag));
            return !to.tagged(tag).isEmpty();
        });
    }

    @Test
    void aMutualTlsPairExchangesMessagesBothWays() {
        NettyTransport a = transport(1, tls(node1).build(), new SimpleMeterRegistry());
        NettyTransport b = transport(2, tls(node2).build(), new SimpleMeterRegistry());
        RecordingInbound inA = new RecordingInbound();
        RecordingInbound inB = new RecordingInbound();
        a.start(inA);
        b.start(inB);
        a.updatePeer(2, b.address());
        b.updatePeer(1, a.address());

        sendUntilReceived(a, 1, 2, inB, "a-to-b");
        sendUntilReceived(b, 2, 1, inA, "b-to-a");
        RaftMessage large = heartbeat(1, 2, "large").toBuilder().setType(MessageType.MSG_APPEND)
                .setContext(ByteString.copyFrom(new byte[3 << 20])).build(); // bulk lane, many TLS records
        a.send(large);
        await().atMost(WAIT).until(() -> inB.received().stream().anyMatch(r -> r.message().equals(large)));
    }

    @Test
    void aPeerWithACertificateFromAnotherCaIsRefused() {
        SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
        NettyTransport server = transport(1, tls(node1).build(), serverMeters);
        // the intruder trusts the cluster's CA (so it would accept the server) but its own certificate is self-signed
        NettyTransport client = transport(2, TlsSettings.builder(intruder.chain(), intruder.key(), pki.caCertificate())
                .build(), new SimpleMeterRegistry());
        RecordingInbound inbound = new RecordingInbound();
        server.start(inbound);
        client.start(new RecordingInbound());
        client.updatePeer(1, server.address());

        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            client.send(heartbeat(2, 1, "intruder"));
            return rejected(serverMeters, "tls", "inbound") >= 1;
        });
        assertThat(inbound.received()).isEmpty();
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhenTlsIsMutual() throws Exception {
        SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
        NettyTransport server = transport(1, tls(node1).build(), serverMeters);
        RecordingInbound inbound = new RecordingInbound();
        server.start(inbound);
        SslContext noCertificate = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(pki.caCertificate().toFile()).endpointIdentificationAlgorithm(null).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        closeables.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        List<Object> replies = java.util.Collections.synchronizedList(new ArrayList<>());

        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(noCertificate.newHandler(c.alloc(), "127.0.0.1", server.localAddress().getPort()));
                FramePipeline.install(c.pipeline(), 1 << 20, HandshakeReply.parser());
                c.pipeline().addLast(new io.netty.channel.SimpleChannelInboundHandler<HandshakeReply>() {
                    @Override
                    protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx, HandshakeReply r) {
                        replies.add(r);
                    }

                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // the server's bad_certificate alert: expected
                    }
                });
            }
        }).connect(server.localAddress()).syncUninterruptibly().channel();
        ch.writeAndFlush(Handshake.newBuilder().setProtocolVersion(1).setClusterId("tls").setFrom(2).setTo(1)
                .setLane(LaneKind.LANE_CONTROL).build());
        ch.writeAndFlush(heartbeat(2, 1, "no-certificate"));

        await().atMost(WAIT).until(() -> !ch.isActive());
        assertThat(replies).isEmpty();
        assertThat(inbound.received()).isEmpty();
        assertThat(rejected(serverMeters, "tls", "inbound")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void withoutMutualTlsAClientNeedsNoTrustedCertificate() {
        NettyTransport server = transport(1, tls(node1).mutualTls(false).build(), new SimpleMeterRegistry());
        NettyTransport client = transport(2, TlsSettings.builder(intruder.chain(), intruder.key(), pki.caCertificate())
                .build(), new SimpleMeterRegistry());
        RecordingInbound inbound = new RecordingInbound();
        server.start(inbound);
        client.start(new RecordingInbound());
        client.updatePeer(1, server.address());
        sendUntilReceived(client, 2, 1, inbound, "server-auth-only");
    }

    @Test
    void aServerCertificateWithoutTheDialledAddressIsRefusedUnlessVerificationIsOff() {
        NettyTransport server = transport(1, tls(wrongName).build(), new SimpleMeterRegistry());
        RecordingInbound inbound = new RecordingInbound();
        server.start(inbound);
        SimpleMeterRegistry verifyingMeters = new SimpleMeterRegistry();
        NettyTransport verifying = transport(2, tls(node2).build(), verifyingMeters);
        verifying.start(new RecordingInbound());
        verifying.updatePeer(1, server.address());

        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            verifying.send(heartbeat(2, 1, "verified"));
            return rejected(verifyingMeters, "tls", "outbound") >= 1;
        });
        assertThat(inbound.tagged("verified")).isEmpty();

        NettyTransport trusting = transport(3, tls(node2).verifyHostname(false).build(), new SimpleMeterRegistry());
        trusting.start(new RecordingInbound());
        trusting.updatePeer(1, server.address());
        sendUntilReceived(trusting, 3, 1, inbound, "unverified");
    }

    @Test
    void missingOrMalformedPemFilesFailAtConstructionNamingTheFile() throws Exception {
        Path missing = pkiDir.resolve("no-such-key.pem");
        assertThatThrownBy(() -> new NettyTransport(NettyTransportOptions.builder("tls", 1)
                .tls(TlsSettings.builder(node1.chain(), missing, pki.caCertificate()).build()).build()))
                .isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.TLS_MATERIAL))
                .hasMessageContaining("no-such-key.pem");
        Path garbage = Files.writeString(pkiDir.resolve("garbage.pem"), "not a key\n");
        assertThatThrownBy(() -> new NettyTransport(NettyTransportOptions.builder("tls", 1)
                .tls(TlsSettings.builder(node1.chain(), garbage, pki.caCertificate()).build()).build()))
                .isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransportException.Kind.TLS_MATERIAL))
                .hasMessageContaining("garbage.pem");
    }
}
