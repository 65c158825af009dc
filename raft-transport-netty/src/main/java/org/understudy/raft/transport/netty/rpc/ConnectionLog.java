package org.understudy.raft.transport.netty.rpc;

import org.understudy.raft.transport.netty.support.LogThrottle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes server-side connections with exactly one log line and one count each. Bad input (see
 * {@link CloseReason#badInput()}) is logged at WARN at most once per reason per 10 s and at DEBUG
 * otherwise, so a client sending garbage in a loop cannot flood the log; every line names the
 * client's address and the reason.
 */
final class ConnectionLog {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLog.class);
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf(ConnectionLog.class, "closing");

    private final String server;
    private final RpcServerMetrics metrics;
    private final Map<CloseReason, LogThrottle> throttles = new EnumMap<>(CloseReason.class);

    ConnectionLog(String server, RpcServerMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
        for (CloseReason r : CloseReason.values()) {
            throttles.put(r, new LogThrottle(10, TimeUnit.SECONDS));
        }
    }

    /** Logs, counts and closes; later calls for the same connection only make sure it closes. */
    void close(ChannelHandlerContext ctx, CloseReason reason, String detail) {
        if (ctx.channel().attr(CLOSING).setIfAbsent(Boolean.TRUE) != null) {
            ctx.close();
            return;
        }
        metrics.closed(reason);
        if (reason.badInput() && throttles.get(reason).allow()) {
            log.warn("rpc server {}: closing the connection from {}: {} (reason {}; further closes for this reason "
                    + "are logged at DEBUG for 10 s)", server, ctx.channel().remoteAddress(), detail, reason.code());
        } else {
            log.debug("rpc server {}: closing the connection from {}: {} (reason {})", server,
                    ctx.channel().remoteAddress(), detail, reason.code());
        }
        ctx.close();
    }

    /** Closes after a pipeline error, classified by its cause. */
    void failed(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            close(ctx, CloseReason.TLS, "TLS failed: " + RpcErrors.describe(cause));
        } else if (cause instanceof DecoderException) {
            close(ctx, CloseReason.MALFORMED, "malformed frame: " + RpcErrors.describe(cause));
        } else if (cause instanceof IOException) {
            close(ctx, CloseReason.ERROR, "socket error: " + RpcErrors.describe(cause));
        } else {
            if (ctx.channel().attr(CLOSING).get() == null) {
                log.warn("rpc server {}: unexpected error on the connection from {}", server,
                        ctx.channel().remoteAddress(), cause);
            }
            close(ctx, CloseReason.ERROR, "unexpected error: " + RpcErrors.describe(cause));
        }
    }

    /** Whether this connection is being closed by {@link #close}. */
    static boolean closing(ChannelHandlerContext ctx) {
        return ctx.channel().attr(CLOSING).get() != null;
    }
}
