package org.understudy.examples.kv.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import java.util.function.Consumer;
import org.understudy.raft.transport.netty.rpc.RpcService;

/**
 * Tells the two protocols of the client port apart by a connection's first bytes (RAFT-KV.md: "the
 * same port may also speak the binary protocol"): the length prefix of a small RPC hello
 * ({@link RpcService#detect}) selects the binary protocol, anything else is HTTP. It then sets up the pipeline for that
 * protocol and steps aside; the bytes it looked at go on to the new handlers (Netty's
 * {@link ByteToMessageDecoder} hands its buffer on when removed).
 */
final class ClientProtocolDetector extends ByteToMessageDecoder {
    static final String NAME = "detect";

    private final RpcService rpc;
    private final Consumer<ChannelPipeline> installHttp;

    ClientProtocolDetector(RpcService rpc, Consumer<ChannelPipeline> installHttp) {
        this.rpc = rpc;
        this.installHttp = installHttp;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        RpcService.Detection protocol = RpcService.detect(in);
        if (protocol == RpcService.Detection.NEED_MORE_BYTES) {
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        if (protocol == RpcService.Detection.RPC) {
            p.remove(HttpPipeline.IDLE); // the RPC keeps its own idle and hello timeouts
            rpc.adopt(ctx.channel());
        } else {
            installHttp.accept(p); // also for garbage: the HTTP codec answers it 400
        }
        p.remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // connected and said nothing for the idle timeout
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
