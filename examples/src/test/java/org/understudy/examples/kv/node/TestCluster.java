package org.understudy.examples.kv.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.di.KvNodes;

/** Members of one in-process cluster on loopback ports from the OS; closes them all. */
final class TestCluster implements AutoCloseable {
    final Path dir;
    final String storage;
    final Map<String, HostPort> peers = new LinkedHashMap<>();
    final Map<String, HostPort> clients = new LinkedHashMap<>();
    final Map<String, KvNode> nodes = new LinkedHashMap<>();

    TestCluster(Path dir, String storage, List<String> names) {
        this.dir = dir;
        this.storage = storage;
        for (String n : names) {
            peers.put(n, new HostPort("127.0.0.1", freePort()));
            clients.put(n, new HostPort("127.0.0.1", freePort()));
        }
    }

    String initialCluster(List<String> names) {
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            parts.add(n + "=" + peers.get(n));
        }
        return String.join(",", parts);
    }

    KvConfig.Builder config(String name) {
        return KvConfig.builder(name, dir.resolve(name)).storage(storage).listenPeer(peers.get(name))
                .listenClient(clients.get(name)).tickMillis(50);
    }

    KvNode start(KvConfig config) {
        KvNode node = KvNodes.start(config);
        nodes.put(config.name(), node);
        return node;
    }

    Optional<KvNode> leader() {
        return nodes.values().stream().filter(n -> n.status().role().equals("leader")).findFirst();
    }

    static int freePort() {
        return TestPorts.free();
    }

    /** The future's value; a failure is rethrown as the {@link KvException} it carries. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KvException kv) {
                throw kv;
            }
            throw new AssertionError("failed with something other than a KvException", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        for (KvNode n : nodes.values()) {
            n.close();
        }
        nodes.clear();
    }
}
