package org.understudy.raft.spi.kit;

import org.understudy.raft.spi.Transport;

/**
 * A set of transports for nodes {@code 1..size()} made by a {@link TransportConformanceKit}
 * subclass: each already knows every other node's address ({@link Transport#updatePeer} was
 * called) but none is started; the kit starts them with its own handlers.
 */
public interface TransportCluster extends AutoCloseable {

    /** The number of nodes; their ids are {@code 1..size()}. */
    int size();

    /** The transport of node {@code id}; the same instance on every call. */
    Transport transport(long id);

    /** The address of node {@code id} in the format {@link Transport#updatePeer} expects. */
    String address(long id);

    /**
     * Closes every transport (including those a test already closed, so their {@code close()} must
     * be idempotent) and whatever the cluster shares (event loops, an in-memory network).
     */
    @Override
    void close();
}
