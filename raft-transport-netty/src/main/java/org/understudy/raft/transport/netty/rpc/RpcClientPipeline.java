package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.frame.FramePipeline;
import org.understudy.raft.transport.netty.rpc.proto.RpcHelloReply;

/**
 * The pipeline of a client connection:
 * {@code [tls] → idle → frame-decoder → message-decoder (RpcHelloReply, then RpcResponse) →
 * frame-encoder → client (ClientHandler)}. The TLS handler is given the dialled host and port, so
 * that the server's certificate is checked against them when host name verification is on.
 */
final class RpcClientPipeline extends ChannelInitializer<Channel> {
    private final RpcClientOptions options;
    private final SslContext tls;
    private final ClientConnection connection;

    RpcClientPipeline(RpcClientOptions options, SslContext tls, ClientConnection connection) {
        this.options = options;
        this.tls = tls;
        this.connection = connection;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc(), options.host(), options.port()));
        }
        p.addLast("idle", new IdleStateHandler(0, 0, options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        FramePipeline.install(p, options.maxFrameBytes(), RpcHelloReply.parser());
        p.addLast("client", new ClientHandler(connection, options));
    }
}
