package org.understudy.raft.memory;

import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.spi.kit.TransportCluster;
import org.understudy.raft.spi.kit.TransportConformanceKit;

/** {@link MemoryTransport} on a {@link MemoryNetwork} against the {@link Transport} contract. */
class MemoryTransportTest extends TransportConformanceKit {

    @Override
    protected TransportCluster newCluster(int nodes) {
        MemoryNetwork network = new MemoryNetwork();
        Map<Long, MemoryTransport> transports = new LinkedHashMap<>();
        for (long id = 1; id <= nodes; id++) {
            transports.put(id, network.transport(id));
        }
        for (MemoryTransport t : transports.values()) {
            for (long peer : transports.keySet()) {
                if (peer != t.id()) {
                    t.updatePeer(peer, MemoryTransport.address(peer));
                }
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
                return MemoryTransport.address(id);
            }

            @Override
            public void close() {
                network.close();
            }
        };
    }
}
