package org.understudy.examples.kv.di;

import dagger.Module;
import dagger.Provides;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.TreeSet;
import org.understudy.examples.kv.node.ConfigException;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.TransportFactory;

/**
 * Chooses the storage engine and the transport by the names in the {@link KvConfig} from the map
 * multibindings the library modules contribute to ({@code @IntoMap @StringKey}), and starts the
 * node. A name nobody bound is a {@link ConfigException} listing the names that are.
 */
@Module
public final class KvNodeModule {

    private KvNodeModule() {}

    @Provides
    static StorageEngine storageEngine(KvConfig config, Map<String, StorageEngine> engines) {
        StorageEngine engine = engines.get(config.storage());
        if (engine == null) {
            throw new ConfigException("unknown --storage '" + config.storage() + "'; choose one of "
                    + new TreeSet<>(engines.keySet()));
        }
        return engine;
    }

    @Provides
    static TransportFactory transportFactory(KvConfig config, Map<String, TransportFactory> transports) {
        TransportFactory factory = transports.get(config.transport());
        if (factory == null) {
            throw new ConfigException("unknown transport '" + config.transport() + "'; choose one of "
                    + new TreeSet<>(transports.keySet()));
        }
        return factory;
    }

    @Provides
    static KvNode kvNode(KvConfig config, StorageEngine engine, TransportFactory transport,
            PrometheusMeterRegistry meterRegistry) {
        return KvNode.start(config, engine, transport, meterRegistry);
    }
}
