package org.understudy.bench.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The raw baselines' reply end: releases each decoded reply frame and tells the benchmark. An
 * error closes the channel, so the benchmark's wait fails with its timeout instead of hanging.
 */
@ChannelHandler.Sharable
final class ReplyHandler extends ChannelInboundHandlerAdapter {

    private final Runnable onReply;

    ReplyHandler(Runnable onReply) {
        this.onReply = onReply;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object frame) {
        ReferenceCountUtil.release(frame);
        onReply.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
