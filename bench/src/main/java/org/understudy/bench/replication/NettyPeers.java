package org.understudy.bench.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.understudy.bench.transport.NettyIo;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;

/**
 * One {@link NettyTransport} per node, all on 127.0.0.1 with ports chosen by the OS, each told
 * every other's address before any node starts (plain TCP, the transport's two-way connections and
 * lanes as by default).
 *
 * <p>Settings that differ from the transport's defaults, and why:
 * <ul>
 *   <li>{@code ioThreads = 1} per node (default 2): three nodes share this machine's two cores, so
 *       a second event loop per node only adds threads competing for them; one loop per node is
 *       also what the transport benchmark's {@code understudy} link uses;</li>
 *   <li>epoll or NIO as {@link NettyIo#selected()} says, the rule the raw echo of the transport
 *       benchmarks follows, so the figures sit beside a raw echo on the same event-loop kind;</li>
 *   <li>a {@link SimpleMeterRegistry} per node, so that metering costs what it costs with a real
 *       registry and dropped messages can be reported.</li>
 * </ul>
 */
final class NettyPeers implements PeerNetwork {
    private static final String DROPPED = "understudy.transport.messages.dropped";

    private final NettyIo io = NettyIo.selected();
    private final Map<Long, NettyTransport> transports = new TreeMap<>();
    private final Map<Long, MeterRegistry> registries = new TreeMap<>();

    NettyPeers(String clusterId, List<Long> ids) {
        try {
            for (long id : ids) {
                MeterRegistry registry = new SimpleMeterRegistry();
                registries.put(id, registry);
                transports.put(id, new NettyTransport(NettyTransportOptions.builder(clusterId, id)
                        .listen("127.0.0.1", 0)
                        .ioThreads(1)
                        .preferNativeTransport(io == NettyIo.EPOLL)
                        .meterRegistry(registry)
                        .build()));
            }
            for (NettyTransport t : transports.values()) {
                transports.forEach((peer, other) -> t.updatePeer(peer, other.address())); // its own id is ignored
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public Transport transport(long id) {
        return transports.get(id);
    }

    @Override
    public long droppedMessages() {
        double sum = 0;
        for (MeterRegistry registry : registries.values()) {
            for (Counter c : registry.find(DROPPED).counters()) {
                sum += c.count();
            }
        }
        return (long) sum;
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        transports.values().forEach(t -> addresses.add(t.localAddress()));
        return addresses;
    }

    @Override
    public List<String> threadPrefixes() {
        return List.of("understudy-netty-", "understudy-dns-");
    }

    @Override
    public String describe() {
        String kind = transports.isEmpty() ? io.name() : transports.values().iterator().next().ioKind().name();
        return "NettyTransport over " + kind + " on 127.0.0.1 (1 I/O thread per node)";
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (NettyTransport t : transports.values()) {
            try {
                t.close(); // idempotent: the nodes have usually closed theirs already
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
