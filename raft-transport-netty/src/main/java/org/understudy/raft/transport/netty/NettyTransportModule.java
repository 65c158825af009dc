package org.understudy.raft.transport.netty;

import org.understudy.raft.spi.TransportFactory;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import java.util.Objects;

/**
 * Binds the {@code "netty"} transport into a Dagger {@code Map<String, TransportFactory>}. Dagger
 * creates the module itself (all Netty knobs at their defaults), or an application passes
 * {@code new NettyTransportModule(new NettyTransportFactory(b -> b.tls(...)))} to its component
 * builder to configure them.
 */
@Module
public final class NettyTransportModule {
    private final NettyTransportFactory factory;

    public NettyTransportModule() {
        this(new NettyTransportFactory());
    }

    public NettyTransportModule(NettyTransportFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Provides
    @IntoMap
    @StringKey(NettyTransportFactory.NAME)
    TransportFactory nettyTransportFactory() {
        return factory;
    }
}
