package org.understudy.raft.transport.netty.rpc;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Resolves server host names for every {@link RpcClient} of the process, on two daemon threads of
 * its own ({@code understudy-rpc-dns-*}, gone after a minute unused): a lookup can block for
 * seconds, which must never happen on an event loop, nor on the callback executor (which may be
 * the loop). The queue holds at most one lookup per client and connection attempt.
 */
final class NameLookups {
    private static final ThreadPoolExecutor LOOKUPS = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new DefaultThreadFactory("understudy-rpc-dns", true));

    static {
        LOOKUPS.allowCoreThreadTimeOut(true);
    }

    private NameLookups() {}

    /** {@code host:port}, resolved on a lookup thread; unresolved if the name is unknown. */
    static CompletableFuture<InetSocketAddress> resolve(String host, int port) {
        return CompletableFuture.supplyAsync(() -> new InetSocketAddress(host, port), LOOKUPS);
    }
}
