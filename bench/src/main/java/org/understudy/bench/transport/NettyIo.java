package org.understudy.bench.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;

/**
 * The event-loop implementation both sides of a transport benchmark use: epoll where its native
 * library loads, NIO otherwise, the rule {@code NettyTransport} follows by default. The raw echo
 * and the Understudy transport must run on the same one, or the comparison measures epoll against
 * NIO. System property {@value #PROPERTY} ({@code auto}, {@code epoll}, {@code nio}) forces a choice.
 * Public because the replication benchmarks' Netty clusters follow the same choice, so that their
 * figures sit beside a raw echo on the same event-loop kind.
 */
public enum NettyIo {
    EPOLL,
    NIO;

    public static final String PROPERTY = "bench.netty.io";

    /** The implementation asked for by {@value #PROPERTY} (default {@code auto}). */
    public static NettyIo selected() {
        String wanted = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "auto" -> Epoll.isAvailable() ? EPOLL : NIO;
            case "nio" -> NIO;
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=epoll, but epoll is not available here: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, epoll or nio, not '"
                    + wanted + "'");
        };
    }

    IoHandlerFactory handlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
