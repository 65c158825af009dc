package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.rpc.proto.RpcHello;

/**
 * The pipeline of an accepted RPC connection:
 * {@code [tls] → idle → frame-decoder → message-decoder (RpcHello, then RpcRequest) →
 * frame-encoder → flush-consolidation → hello (ServerHello, then calls: ServerConnection)}.
 *
 * <p>The flush consolidation handler makes the many {@code writeAndFlush} of answers that complete
 * on handler threads cost one flush (one system call) per event-loop turn, and defers flushes
 * during a read until the read is complete.
 */
final class RpcServerPipeline extends ChannelInitializer<Channel> {
    static final String CALLS = "calls";

    private final RpcServerOptions options;
    private final SslContext tls;
    private final ChannelGroup accepted;
    private final CallDispatcher dispatcher;
    private volatile ConnectionLog connectionLog;
    private volatile RpcServerMetrics metrics;

    RpcServerPipeline(RpcServerOptions options, SslContext tls, ChannelGroup accepted, CallDispatcher dispatcher) {
        this.options = options;
        this.tls = tls;
        this.accepted = accepted;
        this.dispatcher = dispatcher;
    }

    /** Hands over what only exists once the port is bound; called before the first accept. */
    void start(ConnectionLog connectionLog, RpcServerMetrics metrics) {
        this.connectionLog = connectionLog;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(Channel ch) {
        ConnectionLog connectionLog = this.connectionLog;
        RpcServerMetrics metrics = this.metrics;
        accepted.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        long idleMillis = options.idleTimeout().toMillis();
        p.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        FramePipeline.install(p, options.maxFrameBytes(), RpcHello.parser());
        p.addLast("flush-consolidation", new FlushConsolidationHandler(256, true));
        p.addLast("hello", new ServerHello(options.name(), connectionLog, options.helloTimeout(),
                options.maxFrameBytes(), options.maxInFlightPerConnection(),
                client -> new ServerConnection(dispatcher, connectionLog, metrics, options.maxInFlightPerConnection(),
                        idleMillis, client)));
    }
}
