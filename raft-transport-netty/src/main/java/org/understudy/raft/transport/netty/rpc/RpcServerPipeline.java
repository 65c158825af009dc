package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;

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

    private final SslContext tls;
    private volatile RpcService service;

    RpcServerPipeline(SslContext tls) {
        this.tls = tls;
    }

    /** Hands over what only exists once the port is bound; called before the first accept. */
    void start(RpcService service) {
        this.service = service;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        }
        service.adopt(ch);
    }
}
