package org.understudy.raft.transport.netty.support;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;

/**
 * Stops a Netty server: closes its listening channel and every accepted connection, and waits up
 * to 5 s for both, unless the caller runs on one of the server's own event loops (waiting there
 * would block the loop that has to do the closing). Shared by the RPC server and raft-kv's HTTP
 * server.
 */
public final class ServerShutdown {
    private static final long WAIT_MILLIS = 5_000;

    private ServerShutdown() {}

    /**
     * Closes {@code listener} and {@code accepted}; returns whether it waited for them, i.e.
     * whether the caller is outside {@code group}'s loops (and so may also wait for the group to
     * shut down).
     */
    public static boolean closeChannels(EventLoopGroup group, Channel listener, ChannelGroup accepted) {
        boolean onOwnLoop = false;
        for (EventExecutor loop : group) {
            onOwnLoop |= loop.inEventLoop();
        }
        var stopListening = listener.close();
        var closeAll = accepted.close();
        if (!onOwnLoop) {
            stopListening.awaitUninterruptibly(WAIT_MILLIS);
            closeAll.awaitUninterruptibly(WAIT_MILLIS);
        }
        return !onOwnLoop;
    }
}
