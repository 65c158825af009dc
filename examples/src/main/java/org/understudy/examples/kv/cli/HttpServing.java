package org.understudy.examples.kv.cli;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import org.understudy.examples.kv.http.KvHttpServer;
import org.understudy.examples.kv.http.KvHttpServerOptions;
import org.understudy.examples.kv.node.ClientPortTls;
import org.understudy.examples.kv.node.ConfigException;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;

/** The one place the CLI starts the HTTP/JSON API (package {@code http}) for a member. */
final class HttpServing {

    private HttpServing() {}

    /**
     * Serves RAFT-KV.md's HTTP API and the binary protocol for {@code node} on {@code listen}; over
     * TLS when the node has TLS files, and then forwarding to the leader over https
     * ({@link ClientPortTls}).
     *
     * @param name the member's name, for the server's log lines
     * @return closes the server
     * @throws ConfigException when the address cannot be bound (port taken) or the TLS files cannot be used
     */
    static KvHttpServer start(KvNode node, String name, HostPort listen) {
        KvConfig config = node.config();
        Optional<KvConfig.TlsFiles> tls = config.tls();
        KvHttpServerOptions.Builder options = KvHttpServerOptions.builder().name(name)
                .listen(listen.host(), listen.port()).meterRegistry(node.meterRegistry());
        tls.ifPresent(files -> options.tls(ClientPortTls.serverContext(files, config.clientCertAuth()))
                .forwardClient(ClientPortTls.memberClient(tls, Duration.ofSeconds(3)))
                .forwardScheme(ClientPortTls.scheme(tls)));
        try {
            return KvHttpServer.start(node, options.build());
        } catch (UncheckedIOException e) {
            throw new ConfigException("cannot listen for clients on " + listen + " (--listen-client): "
                    + e.getMessage(), e);
        }
    }
}
