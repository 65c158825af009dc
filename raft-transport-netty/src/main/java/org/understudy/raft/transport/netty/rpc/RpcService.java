package org.understudy.raft.transport.netty.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.rpc.proto.RpcHello;

/**
 * The client RPC protocol without a port of its own: serves the connections someone else accepted.
 * {@link RpcServer} uses it for the connections of its own port; a server that speaks several
 * protocols on one port (raft-kv's HTTP API and this RPC, RAFT-KV.md) hands it the connections
 * whose first bytes say RPC ({@link #detect}) through {@link #adopt}.
 *
 * <pre>{@code
 * RpcService rpc = new RpcService(RpcServerOptions.builder().name("kv").listen(host, boundPort).build(), handlers);
 * // in the accepting server's protocol detector, on the channel's event loop, before the next read:
 * switch (RpcService.detect(firstBytes)) {
 *     case RPC -> { rpc.adopt(channel); pipeline.remove(detector); }
 *     case OTHER -> { ...its own handlers...; pipeline.remove(detector); }
 *     case NEED_MORE_BYTES -> { } // wait for the next read
 * }
 * }</pre>
 *
 * <p>Of the {@link RpcServerOptions}, the listen address, I/O threads, native-transport choice and
 * TLS are the accepting server's business and are not used here, except the listen port, which
 * tags the meters (give the port actually bound). Everything else applies: frame limit, in-flight
 * cap, idle and hello timeouts, handler executor, meter registry.
 *
 * <p>{@link #close()} closes the connections it adopted, stops the handler threads it owns and
 * removes its meters; idempotent.
 */
public final class RpcService implements AutoCloseable {
    private final RpcServerOptions options;
    private final ThreadPoolExecutor ownExecutor;
    private final CallDispatcher dispatcher;
    private final ChannelGroup adopted = new DefaultChannelGroup("rpc-connections", GlobalEventExecutor.INSTANCE);
    private final RpcServerMetrics metrics;
    private final ConnectionLog connectionLog;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param handlers method name to handler; a request for another name is answered {@code BAD_REQUEST}
     * @throws IllegalArgumentException if a method name is empty or a handler null
     */
    public RpcService(RpcServerOptions options, Map<String, RpcHandler> handlers) {
        this(options, handlers, Objects.requireNonNull(options, "options").listenPort());
    }

    /** @param metricsPort the port the meters are tagged with (the one bound, when the options say 0) */
    RpcService(RpcServerOptions options, Map<String, RpcHandler> handlers, int metricsPort) {
        this.options = Objects.requireNonNull(options, "options");
        checkHandlers(handlers);
        Executor executor = options.handlerExecutor();
        if (executor == null) {
            ownExecutor = new ThreadPoolExecutor(options.handlerThreads(), options.handlerThreads(), 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(options.handlerQueueCapacity()),
                    new DefaultThreadFactory("understudy-rpc-" + options.name() + "-handler", true),
                    new ThreadPoolExecutor.AbortPolicy());
            ownExecutor.allowCoreThreadTimeOut(true);
            executor = ownExecutor;
        } else {
            ownExecutor = null;
        }
        this.dispatcher = new CallDispatcher(options.name(), handlers, executor, options.maxFrameBytes());
        this.metrics = new RpcServerMetrics(options.meterRegistry(), options.name(), metricsPort,
                dispatcher.methods(), adopted::size);
        this.connectionLog = new ConnectionLog(options.name(), metrics);
    }

    static void checkHandlers(Map<String, RpcHandler> handlers) {
        Objects.requireNonNull(handlers, "handlers").forEach((method, handler) -> {
            if (method == null || method.isEmpty() || handler == null) {
                throw new IllegalArgumentException("every handler needs a non-empty method name and a handler");
            }
        });
    }

    /** What the first bytes of a connection say about its protocol. */
    public enum Detection {
        /** An RPC client's hello. */
        RPC,
        /** Something else: not this protocol. */
        OTHER,
        /** Too few bytes to tell yet: look again when more arrived. */
        NEED_MORE_BYTES
    }

    /**
     * Whether a connection that starts with {@code firstBytes} speaks this protocol. An RPC
     * client's first frame is its hello, at most {@value RpcProtocol#MAX_HELLO_BYTES} bytes, so its
     * 4-byte length prefix starts with a zero byte (which neither an HTTP request line nor a TLS
     * record ever does) and is small: bytes that start with zero but announce a longer first frame
     * are garbage, told apart at once instead of waiting for megabytes that never come.
     */
    public static Detection detect(ByteBuf firstBytes) {
        int at = firstBytes.readerIndex();
        if (!firstBytes.isReadable()) {
            return Detection.NEED_MORE_BYTES;
        }
        if (firstBytes.getByte(at) != 0) {
            return Detection.OTHER;
        }
        if (firstBytes.readableBytes() < 4) {
            return Detection.NEED_MORE_BYTES;
        }
        int length = firstBytes.getInt(at);
        return length > 0 && length <= RpcProtocol.MAX_HELLO_BYTES ? Detection.RPC : Detection.OTHER;
    }

    /**
     * Serves {@code channel} from now on: appends the RPC handlers (idle, framing, hello, calls) to
     * the end of its pipeline. Call it on the channel's event loop, with whatever the accepting
     * server keeps (e.g. its TLS handler) before, and nothing after. A closed service closes the
     * channel instead.
     */
    public void adopt(Channel channel) {
        if (closed.get()) {
            channel.close();
            return;
        }
        adopted.add(channel);
        install(channel.pipeline());
    }

    private void install(ChannelPipeline p) {
        long idleMillis = options.idleTimeout().toMillis();
        p.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        FramePipeline.install(p, options.maxFrameBytes(), RpcHello.parser());
        p.addLast("flush-consolidation", new FlushConsolidationHandler(256, true));
        p.addLast("hello", new ServerHello(options.name(), connectionLog, options.helloTimeout(),
                options.maxFrameBytes(), options.maxInFlightPerConnection(),
                client -> new ServerConnection(dispatcher, connectionLog, metrics, options.maxInFlightPerConnection(),
                        idleMillis, client)));
    }

    /** The registered method names. */
    public Set<String> methods() {
        return dispatcher.methods();
    }

    /** Open connections. */
    public int connections() {
        return adopted.size();
    }

    /** Requests being handled now, over all connections (each connection at most its cap). */
    public int inFlight() {
        return metrics.inFlight().get();
    }

    /** Requests read but waiting for an in-flight slot, over all connections. */
    public int queued() {
        return metrics.queued().get();
    }

    /** The connections being served, for a server that closes them itself (see {@link RpcServer#close}). */
    ChannelGroup channels() {
        return adopted;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        adopted.close();
        if (ownExecutor != null) {
            ownExecutor.shutdown(); // running handlers finish; their answers have nowhere to go
        }
        metrics.close();
    }

    @Override
    public String toString() {
        return "RpcService{" + options.name() + ", " + adopted.size() + " connections" + (closed.get() ? ", closed" : "") + "}";
    }
}
