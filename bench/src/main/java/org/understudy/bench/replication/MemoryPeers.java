package org.understudy.bench.replication;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.understudy.raft.memory.MemoryNetwork;
import org.understudy.raft.memory.MemoryTransport;
import org.understudy.raft.spi.Transport;

/**
 * The in-memory network: one {@link MemoryNetwork} (a single delivery thread, FIFO per link, no
 * serialization) with a {@link MemoryTransport} per node. Messages are handed over as objects, so
 * this measures the runtime and the core without any transport cost.
 */
final class MemoryPeers implements PeerNetwork {
    private final MemoryNetwork network = new MemoryNetwork();
    private final Map<Long, MemoryTransport> transports = new TreeMap<>();

    MemoryPeers(List<Long> ids) {
        for (long id : ids) {
            transports.put(id, network.transport(id));
        }
    }

    @Override
    public Transport transport(long id) {
        return transports.get(id);
    }

    @Override
    public long droppedMessages() {
        return network.dropped();
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return List.of();
    }

    @Override
    public List<String> threadPrefixes() {
        return List.of("memory-network-");
    }

    @Override
    public String describe() {
        return "MemoryNetwork (one delivery thread, no serialization)";
    }

    @Override
    public void close() {
        network.close(); // closes every transport and joins the delivery thread
    }
}
