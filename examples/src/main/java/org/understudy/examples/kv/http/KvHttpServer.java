package org.understudy.examples.kv.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.KvService;
import org.understudy.examples.kv.rpc.KvRpcMethods;
import org.understudy.raft.transport.netty.peer.IoKind;
import org.understudy.raft.transport.netty.rpc.RpcServerOptions;
import org.understudy.raft.transport.netty.rpc.RpcService;
import org.understudy.raft.transport.netty.support.ServerShutdown;

/**
 * raft-kv's HTTP/JSON API (RAFT-KV.md; routes and status rules in this package's documentation) on
 * Netty's HTTP codec, serving one {@link KvService}; and on the same port, unless turned off, the
 * binary protocol of the Java client ({@code kv_rpc.proto}, {@link KvRpcMethods}), which a
 * connection's first byte selects ({@link ClientProtocolDetector}).
 *
 * <pre>{@code
 * KvHttpServer http = KvHttpServer.start(service, KvHttpServerOptions.builder().listen("0.0.0.0", 2379).build());
 * ...
 * http.close();
 * }</pre>
 *
 * <h2>Threads</h2>
 * Event loops read, decode and write; they call the {@link KvService}, whose methods return at
 * once, and never wait: answers are written from the futures' callbacks, moved onto the
 * connection's event loop. Forwarding to the leader uses the JDK {@link HttpClient}'s own threads.
 *
 * <h2>Life cycle</h2>
 * {@link #start} binds (so {@link #localAddress()} is known at once) and serves. {@link #close()}
 * stops listening, closes every connection and stops the event loops it created (not a shared
 * group given in the options); it is idempotent.
 */
public final class KvHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvHttpServer.class);

    private final KvHttpServerOptions options;
    private final EventLoopGroup group;
    private final EventLoopGroup ownGroup;
    private final ChannelGroup accepted = new DefaultChannelGroup("kv-http-connections", GlobalEventExecutor.INSTANCE);
    private final AtomicLong acceptedTotal = new AtomicLong();
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    private final RpcService rpc;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KvHttpServer(KvService service, KvHttpServerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        Objects.requireNonNull(service, "service");
        HttpClient forwardClient = options.forwardClient() != null ? options.forwardClient()
                : HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(3))
                        .build();
        KvHttpApi api = new KvHttpApi(service,
                new LeaderForwarder(forwardClient, options.forwardScheme(), options.forwardTimeout()));
        IoKind io;
        if (options.eventLoops() != null) {
            io = options.eventLoopsKind();
            this.group = options.eventLoops();
            ownGroup = null;
        } else {
            io = IoKind.select(options.preferNativeTransport());
            this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                    new DefaultThreadFactory("understudy-" + options.name() + "-io", true), io.handlerFactory());
            ownGroup = group;
        }
        HttpPipeline pipeline = new HttpPipeline(options, api, accepted, acceptedTotal::incrementAndGet);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true) // a restarted member binds its port again at once
                .option(ChannelOption.AUTO_READ, false) // accept only once the binary protocol is set up
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(pipeline);
        try {
            this.serverChannel = bootstrap.bind(options.host(), options.port()).syncUninterruptibly().channel();
        } catch (Exception e) {
            stopOwnGroup(true);
            String message = "the HTTP API cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage()
                    + " (is the port taken, or the host not an address of this machine?)";
            throw new UncheckedIOException(message, e instanceof IOException io2 ? io2 : new IOException(e.getMessage(), e));
        }
        this.localAddress = (InetSocketAddress) serverChannel.localAddress();
        this.rpc = options.binaryRpc() ? binaryRpc(service, options, localAddress.getPort()) : null;
        pipeline.serveRpc(rpc);
        serverChannel.config().setAutoRead(true);
        log.info("{}: serving the HTTP API{} on {} ({}, TLS {}, body limit {} bytes)", options.name(),
                rpc != null ? " and the binary protocol" : "", address(),
                ownGroup == null ? "shared event loops" : options.ioThreads() + " " + io + " event loops",
                options.tls() == null ? "off" : "on", options.maxBodyBytes());
    }

    /** The binary protocol's methods over {@code service}, for the connections this server accepts. */
    private static RpcService binaryRpc(KvService service, KvHttpServerOptions options, int port) {
        RpcServerOptions rpcOptions = RpcServerOptions.builder().name(options.name()).listen(options.host(), port)
                .idleTimeout(options.idleTimeout()).meterRegistry(options.meterRegistry()).build();
        return new RpcService(rpcOptions, new KvRpcMethods(service, options.maxBodyBytes()).handlers());
    }

    /**
     * Binds {@code options.host():port()} and serves {@code service}.
     *
     * @throws UncheckedIOException when the address cannot be bound; the message says which and why
     */
    public static KvHttpServer start(KvService service, KvHttpServerOptions options) {
        return new KvHttpServer(service, options);
    }

    /** The address actually bound (with the OS-chosen port when the options said 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** {@link #localAddress()} as {@code host:port} ({@code [v6]:port}): a client URL. */
    public String address() {
        return NetUtil.toSocketAddressString(localAddress);
    }

    /** Connections open now. */
    public int openConnections() {
        return accepted.size();
    }

    /** Connections accepted since the start (keep-alive makes this grow slower than the requests). */
    public long acceptedConnections() {
        return acceptedTotal.get();
    }

    public KvHttpServerOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean wait = ServerShutdown.closeChannels(group, serverChannel, accepted);
        if (rpc != null) {
            rpc.close();
        }
        stopOwnGroup(wait);
        log.info("{}: HTTP API on {} closed", options.name(), address());
    }

    private void stopOwnGroup(boolean wait) {
        if (ownGroup == null) {
            return;
        }
        var stopped = ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (wait) {
            stopped.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "KvHttpServer{" + options.name() + " at " + address() + (closed.get() ? ", closed" : "") + "}";
    }
}
