package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.understudy.raft.RaftException;

/**
 * Servers and clients on loopback with OS-chosen ports and their own meter registries, closed
 * (newest first) by {@link #close()}; plus small look-ups the RPC tests share.
 */
final class RpcFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Echoes the request: "x" → "x". */
    static final RpcHandler ECHO = (ctx, request) -> CompletableFuture.completedFuture(request);

    RpcServer server(Map<String, RpcHandler> handlers) {
        return server(UnaryOperator.identity(), handlers);
    }

    RpcServer server(UnaryOperator<RpcServerOptions.Builder> tweak, Map<String, RpcHandler> handlers) {
        RpcServerOptions options = tweak.apply(RpcServerOptions.builder().listen("127.0.0.1", 0)
                .meterRegistry(new SimpleMeterRegistry())).build();
        return add(new RpcServer(options, handlers));
    }

    RpcClient client(RpcServer server) {
        return client(server, UnaryOperator.identity());
    }

    RpcClient client(RpcServer server, UnaryOperator<RpcClientOptions.Builder> tweak) {
        return add(new RpcClient(tweak.apply(RpcClientOptions.builder(server.address())
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))).build()));
    }

    <T extends AutoCloseable> T add(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        closeables.clear();
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("closing failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** The call's result, waiting at most {@link #WAIT}. */
    static String result(Future<ByteString> call) throws Exception {
        return call.get(WAIT.toSeconds(), TimeUnit.SECONDS).toStringUtf8();
    }

    /** The {@link RaftException} the call failed with (fails the test if it succeeded or failed otherwise). */
    static RaftException failure(Future<ByteString> call) throws Exception {
        try {
            ByteString r = call.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail, it returned '" + r.toStringUtf8() + "'");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RaftException.class);
            return (RaftException) e.getCause();
        }
    }

    /** The sum of the server's counters {@code understudy.rpc.server.<name>} with the given tags. */
    static double count(RpcServer server, String name, String... tags) {
        MeterRegistry registry = server.options().meterRegistry();
        Search search = registry.find(RpcServerMetrics.PREFIX + name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }
}
