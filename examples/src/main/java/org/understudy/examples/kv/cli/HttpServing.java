package org.understudy.examples.kv.cli;

import java.io.UncheckedIOException;
import org.understudy.examples.kv.http.KvHttpServer;
import org.understudy.examples.kv.http.KvHttpServerOptions;
import org.understudy.examples.kv.node.ConfigException;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.KvNode;

/** The one place the CLI starts the HTTP/JSON API (package {@code http}) for a member. */
final class HttpServing {

    private HttpServing() {}

    /**
     * Serves RAFT-KV.md's HTTP API and the binary protocol for {@code node} on {@code listen}.
     *
     * @param name the member's name, for the server's log lines
     * @return closes the server
     * @throws ConfigException when the address cannot be bound (port taken)
     */
    static KvHttpServer start(KvNode node, String name, HostPort listen) {
        try {
            return KvHttpServer.start(node, KvHttpServerOptions.builder().name(name)
                    .listen(listen.host(), listen.port()).meterRegistry(node.meterRegistry()).build());
        } catch (UncheckedIOException e) {
            throw new ConfigException("cannot listen for clients on " + listen + " (--listen-client): "
                    + e.getMessage(), e);
        }
    }
}
