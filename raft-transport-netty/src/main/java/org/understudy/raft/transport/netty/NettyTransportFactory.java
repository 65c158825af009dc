package org.understudy.raft.transport.netty;

import org.understudy.raft.spi.TransportOptions;
import org.understudy.raft.spi.TransportFactory;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;

/**
 * Creates {@link NettyTransport}s by the name {@value #NAME}. The generic {@link TransportOptions}
 * (cluster, node, listen address) fill a {@link NettyTransportOptions.Builder}; the
 * {@code customizer} given to the constructor sets everything else (TLS, limits, the meter
 * registry), for every transport this factory makes.
 */
public final class NettyTransportFactory implements TransportFactory {
    /** The name this factory is bound under. */
    public static final String NAME = "netty";

    private final UnaryOperator<NettyTransportOptions.Builder> customizer;

    /** A factory with every Netty knob at its default. */
    public NettyTransportFactory() {
        this(UnaryOperator.identity());
    }

    /** @param customizer applied to each transport's options after cluster, node and listen address are set */
    public NettyTransportFactory(UnaryOperator<NettyTransportOptions.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @throws org.understudy.raft.RaftException with {@code INVALID_PEER_URL} for a bad listen address
     * @throws TransportException if the address cannot be bound or the TLS files do not load
     */
    @Override
    public NettyTransport create(TransportOptions options) {
        NettyTransportOptions.Builder builder = NettyTransportOptions.builder(options.clusterId(), options.nodeId())
                .listen(options.listenAddress());
        return new NettyTransport(customizer.apply(builder).build());
    }
}
