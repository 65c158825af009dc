package org.understudy.raft.spi;

import java.util.Objects;

/**
 * What any transport needs to know to be created by a {@link TransportFactory}: whom it serves
 * and where it listens. Implementation-specific knobs live in the factory.
 *
 * @param clusterId the cluster this node belongs to; peers of another cluster are refused
 * @param nodeId this node's Raft id (positive)
 * @param listenAddress where to accept peer connections, {@code host:port} ({@code [v6]:port});
 *     port 0 lets the OS choose
 */
public record TransportOptions(String clusterId, long nodeId, String listenAddress) {
    public TransportOptions {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(listenAddress, "listenAddress");
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be positive: " + nodeId);
        }
    }
}
