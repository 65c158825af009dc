package org.understudy.raft.transport.netty.rpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The server's meters, named {@code understudy.rpc.server.*} and tagged {@code server=<name>},
 * {@code port=<port>}; removed from the registry when the server closes.
 *
 * <ul>
 *   <li>{@code calls{method,code}}: answered requests; {@code code} is {@code OK} or an error code.
 *       Methods that are not registered count as {@code method=unknown}, so garbage cannot grow
 *       the number of meters;</li>
 *   <li>{@code connections.closed{reason}}: closes by the server (see {@link CloseReason});</li>
 *   <li>{@code paused}: times a connection stopped being read (in-flight cap or unwritable);</li>
 *   <li>gauges {@code connections}, {@code inflight} (requests being handled),
 *       {@code queued} (read, waiting for an in-flight slot).</li>
 * </ul>
 */
final class RpcServerMetrics implements AutoCloseable {
    static final String PREFIX = "understudy.rpc.server.";
    static final String UNKNOWN_METHOD = "unknown";

    private final MeterRegistry registry;
    private final Tags tags;
    private final Set<String> methods;
    private final List<Meter> meters = new ArrayList<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final Counter paused;
    private volatile boolean closed;

    RpcServerMetrics(MeterRegistry registry, String server, int port, Set<String> methods, IntSupplier connections) {
        this.registry = registry;
        this.tags = Tags.of("server", server, "port", Integer.toString(port));
        this.methods = methods;
        this.paused = remember(Counter.builder(PREFIX + "paused").tags(tags).register(registry));
        remember(Gauge.builder(PREFIX + "connections", connections::getAsInt).tags(tags).register(registry));
        remember(Gauge.builder(PREFIX + "inflight", inFlight::get).tags(tags).register(registry));
        remember(Gauge.builder(PREFIX + "queued", queued::get).tags(tags).register(registry));
    }

    void answered(String method, String code) {
        if (closed) {
            return; // a handler finishing after close must not register meters again
        }
        String m = methods.contains(method) ? method : UNKNOWN_METHOD;
        counter("calls", "method", m, "code", code).increment();
    }

    void closed(CloseReason reason) {
        if (closed) {
            return;
        }
        counter("connections.closed", "reason", reason.code()).increment();
    }

    void paused() {
        paused.increment();
    }

    AtomicInteger inFlight() {
        return inFlight;
    }

    AtomicInteger queued() {
        return queued;
    }

    private Counter counter(String name, String... extraTags) {
        // cached: answering a call must not build meter ids; remembered for removal on close
        return counters.computeIfAbsent(name + '\0' + String.join("\0", extraTags),
                k -> remember(Counter.builder(PREFIX + name).tags(tags).tags(extraTags).register(registry)));
    }

    private <M extends Meter> M remember(M meter) {
        synchronized (meters) {
            meters.add(meter);
        }
        return meter;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
            counters.clear();
        }
    }
}
