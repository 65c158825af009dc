package org.understudy.raft.transport.netty.peer;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Resolves peer host names with the JDK's resolver on a dedicated thread. Netty's default
 * resolver calls {@code InetAddress.getByName} on the thread that connects, which is an event
 * loop, and a slow DNS server would then stall every connection of that loop. (IP literals never
 * get here: {@link PeerAddress#socketAddress()} resolves them directly.)
 */
final class OffLoopResolver extends AddressResolverGroup<InetSocketAddress> {
    private final EventExecutor lookups;

    /** @param lookups the thread that may block in DNS lookups */
    OffLoopResolver(EventExecutor lookups) {
        this.lookups = lookups;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor loop) {
        return new Lookup(loop).asAddressResolver();
    }

    private final class Lookup extends InetNameResolver {
        Lookup(EventExecutor loop) {
            super(loop); // promises complete on the connecting loop's side
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            lookups.execute(() -> {
                try {
                    promise.trySuccess(InetAddress.getByName(host));
                } catch (Exception e) {
                    promise.tryFailure(e);
                }
            });
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            lookups.execute(() -> {
                try {
                    promise.trySuccess(Arrays.asList(InetAddress.getAllByName(host)));
                } catch (Exception e) {
                    promise.tryFailure(e);
                }
            });
        }
    }
}
