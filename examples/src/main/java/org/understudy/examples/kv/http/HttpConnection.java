package org.understudy.examples.kv.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * One client connection: takes complete requests from the aggregator, serves them one at a time
 * in arrival order (HTTP/1.1 pipelining answers in request order), and writes each answer on the
 * channel's event loop, whichever thread completed the store's future. The next request starts
 * when the previous answer has been written, so a client that does not read its answers cannot
 * make the server buffer without bound; when too many requests wait, reading pauses.
 *
 * <p>All state is touched on the event loop only. A failure here concerns this connection alone:
 * it is answered or the connection is closed, and nothing else is affected.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    /** Decoded requests that may wait behind the one being served before reading pauses. */
    private static final int MAX_WAITING = 16;

    /** A request ready to serve: either to run through the API or with its answer known already. */
    private record Pending(HttpVersion version, boolean keepAlive, KvHttpRequest request, HttpReply knownReply) {}

    private final KvHttpApi api;
    private final int maxBodyBytes;
    private final Duration drainTimeout;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** A request is being served (its answer is not written yet). */
    private boolean busy;
    /** An answer that closes the connection is queued: later requests are dropped. */
    private boolean closing;
    /** A too-large body is still arriving and being dropped. */
    private boolean draining;
    /** Close as soon as the dropped body has passed. */
    private boolean closeWhenDrained;

    HttpConnection(KvHttpApi api, int maxBodyBytes, Duration drainTimeout) {
        this.api = api;
        this.maxBodyBytes = maxBodyBytes;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpRequest request) {
                if (!closing) {
                    enqueue(pendingOf(request));
                }
            } else if (msg instanceof BodyLimitAggregator.OversizedRequest oversized) {
                draining = oversized.bodyFollows();
                if (!closing) {
                    enqueue(new Pending(oversized.version(), false, null, tooLarge()));
                }
            } else if (msg == BodyLimitAggregator.BodyDrained.INSTANCE) {
                draining = false;
                if (closeWhenDrained) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private Pending pendingOf(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            // the decoder cannot find the next request's start in what follows: answer, then close
            return new Pending(HttpVersion.HTTP_1_1, false, null, HttpErrors.reply(KvErrorCode.BAD_REQUEST,
                    "malformed HTTP request: " + (cause == null ? "cannot be decoded" : cause.getMessage())).thenClose());
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            return new Pending(request.protocolVersion(), keepAlive, toApiRequest(request), null);
        } catch (KvException e) {
            return new Pending(request.protocolVersion(), keepAlive, null, HttpErrors.reply(e));
        }
    }

    private static KvHttpRequest toApiRequest(FullHttpRequest request) {
        String uri = request.uri();
        int hash = uri.indexOf('#');
        if (hash >= 0) {
            uri = uri.substring(0, hash);
        }
        if (!uri.startsWith("/")) {
            // absolute form ("http://host:port/path"), which HTTP/1.1 servers must accept
            int schemeEnd = uri.indexOf("://");
            int pathStart = schemeEnd < 0 ? -1 : uri.indexOf('/', schemeEnd + 3);
            if (schemeEnd < 0) {
                throw new KvException(KvErrorCode.BAD_REQUEST, "the request target must be a path such as /v1/status");
            }
            uri = pathStart < 0 ? "/" : uri.substring(pathStart);
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? null : uri.substring(q + 1);
        var headers = request.headers();
        return new KvHttpRequest(request.method().name(), path, query, ByteBufUtil.getBytes(request.content()),
                headers.get(HttpHeaderNames.CONTENT_TYPE), headers.contains(KvHttpHeaders.FORWARDED),
                KvHttpHeaders.requestId(headers.get(KvHttpHeaders.REQUEST_ID)));
    }

    private HttpReply tooLarge() {
        return HttpErrors.reply(new KvException(KvErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than this "
                + "server's limit of " + maxBodyBytes + " bytes", Map.of("maxBodyBytes", maxBodyBytes))).thenClose();
    }

    private void enqueue(Pending pending) {
        if (pending.knownReply() != null && pending.knownReply().closeConnection()) {
            closing = true;
        }
        waiting.add(pending);
        if (waiting.size() >= MAX_WAITING) {
            ctx.channel().config().setAutoRead(false);
        }
        serveNext();
    }

    private void serveNext() {
        if (busy || waiting.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        Pending pending = waiting.poll();
        busy = true;
        if (waiting.size() < MAX_WAITING / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        if (pending.knownReply() != null) {
            write(pending, pending.knownReply());
            return;
        }
        api.handle(pending.request(), ctx.executor()).whenComplete((reply, failure) -> {
            HttpReply answer = failure == null ? reply : HttpErrors.reply(failure, pending.request());
            if (ctx.executor().inEventLoop()) {
                write(pending, answer);
            } else {
                try {
                    ctx.executor().execute(() -> write(pending, answer));
                } catch (RejectedExecutionException e) {
                    // the server is shutting down: the connection goes with it
                }
            }
        });
    }

    private void write(Pending pending, HttpReply reply) {
        if (!ctx.channel().isActive()) {
            busy = false;
            waiting.clear();
            return;
        }
        boolean keepAlive = pending.keepAlive() && !reply.closeConnection();
        FullHttpResponse response = new DefaultFullHttpResponse(pending.version(),
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (keepAlive) {
            written.addListener(f -> {
                busy = false;
                if (f.isSuccess()) {
                    serveNext();
                } else {
                    ctx.close();
                }
            });
        } else {
            closing = true;
            waiting.clear();
            written.addListener(f -> closeAfterLastAnswer());
        }
    }

    private void closeAfterLastAnswer() {
        if (!draining) {
            ctx.close();
            return;
        }
        closeWhenDrained = true;
        ctx.executor().schedule(() -> {
            ctx.close();
        }, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!busy && waiting.isEmpty()) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        waiting.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset by the peer, a TLS handshake failure, ...: this connection's problem only
        log.debug("HTTP connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
