package org.understudy.raft.transport.netty.peer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.spi.kit.TransportCluster;
import org.understudy.raft.spi.kit.TransportConformanceKit;

/** {@link NettyTransport} over real loopback sockets (epoll where available) against the {@link Transport} contract. */
class NettyTransportConformanceTest extends TransportConformanceKit {

    /** The options of node {@code id}; subclasses change the I/O kind or add TLS. */
    protected NettyTransportOptions.Builder options(long id) {
        return TestTransports.options("conformance", id, new SimpleMeterRegistry());
    }

    @Override
    protected TransportCluster newCluster(int nodes) {
        Map<Long, NettyTransport> transports = new LinkedHashMap<>();
        try {
            for (long id = 1; id <= nodes; id++) {
                transports.put(id, new NettyTransport(options(id).build()));
            }
        } catch (RuntimeException e) {
            TestTransports.closeAll(new ArrayList<>(transports.values()));
            throw e;
        }
        for (NettyTransport t : transports.values()) {
            for (Map.Entry<Long, NettyTransport> peer : transports.entrySet()) {
                t.updatePeer(peer.getKey(), peer.getValue().address());
            }
        }
        return new TransportCluster() {
            @Override
            public int size() {
                return nodes;
            }

            @Override
            public Transport transport(long id) {
                return transports.get(id);
            }

            @Override
            public String address(long id) {
                return transports.get(id).address();
            }

            @Override
            public void close() {
                TestTransports.closeAll(List.copyOf(transports.values()));
            }
        };
    }
}
