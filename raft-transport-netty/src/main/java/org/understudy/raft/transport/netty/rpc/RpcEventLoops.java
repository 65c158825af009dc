package org.understudy.raft.transport.netty.rpc;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.understudy.raft.transport.netty.peer.IoKind;

/**
 * Event loops and channel classes for an {@link IoKind}: epoll when wanted and its native library
 * loads, NIO otherwise (the same choice the peer transport makes, through the same enum).
 */
final class RpcEventLoops {
    private RpcEventLoops() {}

    static IoKind select(boolean preferNative) {
        return IoKind.select(preferNative);
    }

    /** Daemon event loops named {@code <threadPrefix>-<n>}. */
    static MultiThreadIoEventLoopGroup group(IoKind io, int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), io.handlerFactory());
    }

    static Class<? extends SocketChannel> socketChannel(IoKind io) {
        return io.socketChannel();
    }

    static Class<? extends ServerSocketChannel> serverChannel(IoKind io) {
        return io.serverChannel();
    }
}
