package org.understudy.examples.kv.di;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.understudy.examples.kv.node.ConfigException;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import org.understudy.raft.transport.netty.NettyTransportFactory;
import org.understudy.raft.transport.netty.NettyTransportModule;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/** Starts a {@link KvNode} through the {@link KvNodeComponent}: the one call the CLI and the demo make. */
public final class KvNodes {

    private KvNodes() {}

    /**
     * Starts a member with its own Prometheus registry (so that several members in one process,
     * as in the demo, each scrape their own meters), which the peer transport reports to as well.
     *
     * @throws ConfigException when it cannot start as configured
     */
    public static KvNode start(KvConfig config) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NettyTransportFactory netty = new NettyTransportFactory(b -> {
            b.meterRegistry(registry);
            config.tls().ifPresent(t -> b.tls(tls(t)));
            return b;
        });
        return DaggerKvNodeComponent.builder()
                .config(config)
                .meterRegistry(registry)
                .nettyTransportModule(new NettyTransportModule(netty))
                .build()
                .node();
    }

    private static TlsSettings tls(KvConfig.TlsFiles files) {
        try {
            return TlsSettings.builder(files.cert(), files.key(), files.ca()).build();
        } catch (RuntimeException e) {
            throw new ConfigException("cannot load the TLS files (--tls-cert " + files.cert() + ", --tls-key "
                    + files.key() + ", --tls-ca " + files.ca() + "): " + e.getMessage(), e);
        }
    }
}
