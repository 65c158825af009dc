package org.understudy.raft.transport.netty.peer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Options and meter look-ups shared by the transport tests: loopback, OS-chosen ports, quick reconnects. */
final class TestTransports {
    private TestTransports() {}

    static NettyTransportOptions.Builder options(String cluster, long id, MeterRegistry registry) {
        return NettyTransportOptions.builder(cluster, id)
                .listen("127.0.0.1", 0)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
                .meterRegistry(registry);
    }

    /** The sum of the counters {@code understudy.transport.<name>} with the given tags (key, value, ...). */
    static double count(MeterRegistry registry, String name, String... tags) {
        Search search = registry.find(TransportMetrics.PREFIX + name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Closes everything given, in order, even if some throw. */
    static void closeAll(List<? extends AutoCloseable> closeables) {
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("closing failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
