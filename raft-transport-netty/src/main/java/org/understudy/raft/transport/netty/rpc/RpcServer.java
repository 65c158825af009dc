package org.understudy.raft.transport.netty.rpc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.transport.netty.TransportException;
import org.understudy.raft.transport.netty.support.ServerShutdown;
import org.understudy.raft.transport.netty.peer.IoKind;

/**
 * The server side of the client RPC (README.md, "Client RPC"): framed protobuf requests with ids,
 * many outstanding per connection and answered in any order, per-request deadlines, typed errors
 * with the codes of DESIGN.md §7, an in-flight cap per connection with backpressure, and optional
 * (mutual) TLS.
 *
 * <pre>{@code
 * RpcServer server = new RpcServer(RpcServerOptions.builder().listen("10.0.0.1", 2379).build(),
 *         Map.of("kv.put", (ctx, request) -> store.put(request)));   // binds now
 * ...
 * server.close();
 * }</pre>
 *
 * <h2>Threads</h2>
 * {@code ioThreads} event loops ({@code understudy-rpc-<name>-io-*}) read, decode, write and keep
 * each connection's state; they never run a handler. Handlers run on the handler executor (by
 * default {@code handlerThreads} daemon threads {@code understudy-rpc-<name>-handler-*} with a
 * bounded queue); their answers go back to the connection's event loop, which writes them and
 * flushes once per loop turn.
 *
 * <h2>Life cycle</h2>
 * The constructor binds (so {@link #localAddress()} is known at once) and serves. {@link #close()}
 * stops listening, closes every connection (their clients see the calls in flight fail), stops
 * the threads it owns and removes the meters; it is idempotent.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    private final RpcServerOptions options;
    private final IoKind io;
    private final MultiThreadIoEventLoopGroup group;
    private final RpcService service;
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Binds {@code options.listenHost():listenPort()} and serves {@code handlers} (method name to
     * handler; a request for another name is answered {@code BAD_REQUEST}).
     *
     * @throws TransportException of kind {@code TLS_MATERIAL} if the TLS files do not load, or
     *     {@code CANNOT_LISTEN} if the address cannot be bound
     */
    public RpcServer(RpcServerOptions options, Map<String, RpcHandler> handlers) {
        this.options = Objects.requireNonNull(options, "options");
        RpcService.checkHandlers(handlers);
        SslContext tls = options.tls() == null ? null : options.tls().serverContext();
        this.io = RpcEventLoops.select(options.preferNativeTransport());
        this.group = RpcEventLoops.group(io, options.ioThreads(), "understudy-rpc-" + options.name() + "-io");
        RpcServerPipeline pipeline = new RpcServerPipeline(tls);
        try {
            this.serverChannel = bind(pipeline);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            throw e;
        }
        this.localAddress = (InetSocketAddress) serverChannel.localAddress();
        // the meters are tagged with the bound port, and every connection needs them: accept only now
        this.service = new RpcService(options, handlers, localAddress.getPort());
        pipeline.start(service);
        serverChannel.config().setAutoRead(true);
        log.info("rpc server {}: listening on {} ({}, {} I/O threads, TLS {}, methods {})", options.name(), address(),
                io, options.ioThreads(), options.tls() == null ? "off"
                        : (options.tls().mutualTls() ? "mutual" : "server-only"), new TreeSet<>(service.methods()));
    }

    /** Binds without accepting yet (the listening channel does not read until {@code setAutoRead(true)}). */
    private Channel bind(RpcServerPipeline pipeline) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(RpcEventLoops.serverChannel(io))
                .option(ChannelOption.SO_REUSEADDR, true) // a restarted server binds its port again at once
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(pipeline);
        try {
            return bootstrap.bind(options.listenHost(), options.listenPort()).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new TransportException(TransportException.Kind.CANNOT_LISTEN, "rpc server " + options.name()
                    + " cannot listen on " + options.listenHost() + ":" + options.listenPort() + ": "
                    + RpcErrors.describe(e) + " (is the port taken, or the host not an address of this machine?)", e);
        }
    }

    /** The address actually bound (with the OS-chosen port when the options said 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** {@link #localAddress()} as {@code host:port} ({@code [v6]:port}), the form {@link RpcClientOptions} takes. */
    public String address() {
        return NetUtil.toSocketAddressString(localAddress);
    }

    public IoKind ioKind() {
        return io;
    }

    public RpcServerOptions options() {
        return options;
    }

    /** The registered method names. */
    public Set<String> methods() {
        return service.methods();
    }

    /** Open connections. */
    public int connections() {
        return service.connections();
    }

    /** Requests being handled now, over all connections (each connection at most its cap). */
    public int inFlight() {
        return service.inFlight();
    }

    /** Requests read but waiting for an in-flight slot, over all connections. */
    public int queued() {
        return service.queued();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean wait = ServerShutdown.closeChannels(group, serverChannel, service.channels());
        service.close();
        var loops = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (wait) {
            loops.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        log.info("rpc server {}: closed", options.name());
    }

    @Override
    public String toString() {
        return "RpcServer{" + options.name() + " at " + address() + (closed.get() ? ", closed" : "") + "}";
    }
}
