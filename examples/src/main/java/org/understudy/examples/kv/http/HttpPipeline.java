package org.understudy.examples.kv.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an accepted client connection:
 * {@code [tls] → idle → http-codec → body-limit (aggregator) → connection}. The codec's defaults
 * bound the request line (4 KiB) and headers (8 KiB); the aggregator bounds the body.
 */
final class HttpPipeline extends ChannelInitializer<Channel> {
    private final KvHttpServerOptions options;
    private final KvHttpApi api;
    private final ChannelGroup accepted;
    private final Runnable onAccept;

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
        p.addLast("idle", new IdleStateHandler(0, 0, options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("http-codec", new HttpServerCodec());
        p.addLast("body-limit", new BodyLimitAggregator(options.maxBodyBytes()));
        p.addLast("connection", new HttpConnection(api, options.maxBodyBytes(), options.drainTimeout()));
    }
}
