package org.understudy.examples.kv.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.understudy.raft.transport.netty.rpc.RpcService;

/**
 * The pipeline of an accepted client connection:
 * {@code [tls] → idle → http-codec → body-limit (aggregator) → connection}, or, when the port also
 * speaks the binary protocol, {@code [tls] → idle → detect}, which becomes the HTTP pipeline or the
 * RPC's ({@link ClientProtocolDetector}). The codec's defaults
 * bound the request line (4 KiB) and headers (8 KiB); the aggregator bounds the body.
 */
final class HttpPipeline extends ChannelInitializer<Channel> {
    static final String IDLE = "idle";

    private final KvHttpServerOptions options;
    private final KvHttpApi api;
    private final ChannelGroup accepted;
    private final Runnable onAccept;
    private volatile RpcService rpc;

    HttpPipeline(KvHttpServerOptions options, KvHttpApi api, ChannelGroup accepted, Runnable onAccept) {
        this.options = options;
        this.api = api;
        this.accepted = accepted;
        this.onAccept = onAccept;
    }

    @Override
    protected void initChannel(Channel ch) {
        accepted.add(ch);
        onAccept.run();
        ChannelPipeline p = ch.pipeline();
        SslContext tls = options.tls();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        p.addLast(IDLE, new IdleStateHandler(0, 0, options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        RpcService rpc = this.rpc;
        if (rpc == null) {
            installHttp(p);
        } else {
            p.addLast(ClientProtocolDetector.NAME, new ClientProtocolDetector(rpc, this::installHttp));
        }
    }

    /** Serve the binary protocol too, on connections whose first byte says so; called before the first accept. */
    void serveRpc(RpcService rpc) {
        this.rpc = rpc;
    }

    private void installHttp(ChannelPipeline p) {
        p.addLast("http-codec", new HttpServerCodec());
        p.addLast("body-limit", new BodyLimitAggregator(options.maxBodyBytes()));
        p.addLast("connection", new HttpConnection(api, options.maxBodyBytes(), options.drainTimeout()));
    }
}
