package org.understudy.raft.spi;


/**
 * A named way to create a node's peer {@link Transport}, the transport counterpart of
 * raft-core's {@code StorageEngine}: applications pick one by name from a Dagger
 * {@code Map<String, TransportFactory>} ({@code @IntoMap @StringKey("netty")}, see
 * raft-transport-netty's {@code NettyTransportModule}) or construct one directly.
 */
public interface TransportFactory {

    /** The name this factory is chosen by, e.g. {@code "netty"}. */
    String name();

    /**
     * Creates (and, for a network transport, binds) a transport; the caller starts and closes it
     * (a {@code RaftNode} does both).
     */
    Transport create(TransportOptions options);
}
