package org.understudy.examples.kv.di;

import dagger.BindsInstance;
import dagger.Component;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import org.understudy.raft.memory.MemoryStorageModule;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.TransportFactory;
import org.understudy.raft.storage.chronicle.ChronicleStorageModule;
import org.understudy.raft.storage.mapdb.MapDbStorageModule;
import org.understudy.raft.transport.netty.NettyTransportModule;

/**
 * Assembles one raft-kv member: every storage engine and transport the library offers, bound by
 * name ({@code chronicle}, {@code mapdb}, {@code memory}; {@code netty}), the choice made by
 * {@link KvNodeModule} from the {@link KvConfig}. A new engine is one more module here.
 *
 * <p>{@link #node()} starts a new node on each call: call it once per component.
 */
@Component(modules = {
        ChronicleStorageModule.class,
        MapDbStorageModule.class,
        MemoryStorageModule.class,
        NettyTransportModule.class,
        KvNodeModule.class})
public interface KvNodeComponent {

    KvNode node();

    Map<String, StorageEngine> storageEngines();

    Map<String, TransportFactory> transports();

    PrometheusMeterRegistry meterRegistry();

    @Component.Builder
    interface Builder {
        @BindsInstance
        Builder config(KvConfig config);

        @BindsInstance
        Builder meterRegistry(PrometheusMeterRegistry registry);

        /** A transport module configured for this node (TLS, meter registry); see {@link KvNodes}. */
        Builder nettyTransportModule(NettyTransportModule module);

        KvNodeComponent build();
    }
}
