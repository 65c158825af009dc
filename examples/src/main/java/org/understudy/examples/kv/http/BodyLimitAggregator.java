package org.understudy.examples.kv.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's aggregator with the body limit answered in the API's own terms. Netty would write its
 * own empty 413 from here, possibly ahead of answers still owed to earlier pipelined requests;
 * instead this passes an {@link OversizedRequest} on to the connection handler, which answers it
 * in order with a JSON {@code PAYLOAD_TOO_LARGE}. The aggregator then drops the rest of the body,
 * and {@link BodyDrained} says when it has passed, so that the connection closes only after the
 * client has sent everything (no reset that would make it lose the answer).
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    /** A request whose body is over the limit; {@code bodyFollows} is false when the client waits for 100-continue. */
    record OversizedRequest(HttpVersion version, boolean bodyFollows) {}

    /** The end of a dropped body. */
    enum BodyDrained { INSTANCE }

    private OversizedRequest oversized;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        String expect = start.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
            // an expectation we do not know: RFC 9110 lets a server ignore it, which keeps every answer JSON
            // (Netty would answer an empty 417)
            start.headers().remove(HttpHeaderNames.EXPECT);
        }
        if (start instanceof HttpRequest && HttpUtil.is100ContinueExpected(start)
                && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
            return null; // the size check that follows calls handleOversizedMessage: answered as JSON
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage message) throws Exception {
        if (message instanceof HttpRequest request) {
            oversized = new OversizedRequest(request.protocolVersion(), !HttpUtil.is100ContinueExpected(request));
        } else {
            super.handleOversizedMessage(ctx, message);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        super.decode(ctx, msg, out);
        if (oversized != null) {
            out.add(oversized);
            oversized = null;
        }
        if (isHandlingOversizedMessage() && msg instanceof LastHttpContent) {
            out.add(BodyDrained.INSTANCE);
        }
    }
}
