package org.understudy.raft.transport.netty;

import org.understudy.raft.spi.TransportOptions;
import org.understudy.raft.spi.TransportFactory;
import static org.assertj.core.api.Assertions.assertThat;

import dagger.Component;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.transport.netty.peer.NettyTransport;

/** The transport plugs in by name through Dagger, with default or configured knobs. */
class NettyTransportModuleTest {

    @Component(modules = NettyTransportModule.class)
    interface Transports {
        Map<String, TransportFactory> byName();
    }

    @Test
    void daggerBindsTheNettyFactoryUnderItsName() {
        Map<String, TransportFactory> factories = DaggerNettyTransportModuleTest_Transports.create().byName();

        assertThat(factories).containsOnlyKeys("netty");
        try (Transport transport = factories.get("netty").create(new TransportOptions("dagger", 1, "127.0.0.1:0"))) {
            assertThat(transport).isInstanceOf(NettyTransport.class);
            assertThat(((NettyTransport) transport).localAddress().getPort()).isPositive();
        }
    }

    @Test
    void aConfiguredModuleAppliesItsKnobsToEveryTransport() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Transports component = DaggerNettyTransportModuleTest_Transports.builder()
                .nettyTransportModule(new NettyTransportModule(new NettyTransportFactory(
                        b -> b.meterRegistry(registry).learnerBulkBytesPerSecond(1 << 20))))
                .build();

        try (NettyTransport transport = (NettyTransport) component.byName().get(NettyTransportFactory.NAME)
                .create(new TransportOptions("dagger", 7, "127.0.0.1:0"))) {
            assertThat(transport.options().learnerBulkBytesPerSecond()).isEqualTo(1 << 20);
            assertThat(transport.options().nodeId()).isEqualTo(7);
            assertThat(registry.find("understudy.transport.messages.sent").tag("node", "7").counters()).isNotEmpty();
        }
        assertThat(registry.find("understudy.transport.messages.sent").counters()).as("meters removed on close").isEmpty();
    }
}
