package org.understudy.raft.transport.netty.peer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every meter of one transport, tagged {@code node=<id>} and {@code cluster=<id>}. Counters on the
 * data path are created up front so that counting is a field read and an add. Meter names (all
 * prefixed {@code understudy.transport.}):
 *
 * <ul>
 *   <li>{@code messages.sent}, {@code bytes.sent}, {@code messages.received},
 *       {@code bytes.received} — tag {@code lane}; bytes include the 4-byte frame prefix;</li>
 *   <li>{@code messages.dropped} — tags {@code lane}, {@code reason} ({@link DropReason#tag()});</li>
 *   <li>{@code connect.failures} — failed connection attempts and broken connections, tag {@code lane};</li>
 *   <li>{@code reconnects} — connection attempts made after a failure, tag {@code lane};</li>
 *   <li>{@code handshake.rejected} — tags {@code reason} ({@link HandshakeRejection#code()}) and
 *       {@code side}: {@code inbound} (this node refused a peer) or {@code outbound} (a peer
 *       refused this node);</li>
 *   <li>{@code frames.malformed} — connections closed for a frame that was too large or did not parse;</li>
 *   <li>{@code frames.stalled} — accepted connections closed because a frame stopped arriving midway
 *       for {@code stalledFrameTimeout} ({@link StalledFrameGuard});</li>
 *   <li>{@code learner.throttled} — times a learner's bulk lane waited for its bandwidth limit;</li>
 *   <li>gauges {@code queued.bytes} (tag {@code lane}: bytes waiting in the lanes' queues, all
 *       peers) and {@code connections.inbound} (accepted connections open).</li>
 * </ul>
 *
 * {@link #close()} removes them all from the registry.
 */
final class TransportMetrics implements AutoCloseable {
    static final String PREFIX = "understudy.transport.";

    /** Counters per lane. */
    private record LaneCounters(Counter messagesSent, Counter bytesSent, Counter messagesReceived,
            Counter bytesReceived, Counter connectFailures, Counter reconnects, Map<DropReason, Counter> dropped) {}

    private final MeterRegistry registry;
    private final Tags tags;
    private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();
    private final Map<Lane, LaneCounters> lanes = new EnumMap<>(Lane.class);
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Counter malformed;
    private final Counter stalled;
    private final Counter throttled;

    TransportMetrics(MeterRegistry registry, long nodeId, String clusterId) {
        this.registry = registry;
        this.tags = Tags.of("node", Long.toString(nodeId), "cluster", clusterId);
        for (Lane lane : Lane.values()) {
            Tags t = tags.and("lane", lane.tag());
            Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
            for (DropReason reason : DropReason.values()) {
                dropped.put(reason, counter("messages.dropped", t.and("reason", reason.tag())));
            }
            lanes.put(lane, new LaneCounters(counter("messages.sent", t), counter("bytes.sent", t),
                    counter("messages.received", t), counter("bytes.received", t), counter("connect.failures", t),
                    counter("reconnects", t), dropped));
        }
        this.malformed = counter("frames.malformed", tags);
        this.stalled = counter("frames.stalled", tags);
        this.throttled = counter("learner.throttled", tags);
    }

    /** Registers the gauges; {@code queuedBytes} is read on scrape, never on the data path. */
    <T> void gauges(T source, ToDoubleFunction<Lane> queuedBytes, Supplier<Number> inboundConnections) {
        for (Lane lane : Lane.values()) {
            meters.add(Gauge.builder(PREFIX + "queued.bytes", source, s -> queuedBytes.applyAsDouble(lane))
                    .tags(tags.and("lane", lane.tag())).register(registry));
        }
        meters.add(Gauge.builder(PREFIX + "connections.inbound", inboundConnections).tags(tags).register(registry));
    }

    void sent(Lane lane, int frameBytes) {
        LaneCounters c = lanes.get(lane);
        c.messagesSent.increment();
        c.bytesSent.increment(frameBytes);
    }

    void received(Lane lane, int frameBytes) {
        LaneCounters c = lanes.get(lane);
        c.messagesReceived.increment();
        c.bytesReceived.increment(frameBytes);
    }

    void dropped(Lane lane, DropReason reason) {
        lanes.get(lane).dropped.get(reason).increment();
    }

    void dropped(Lane lane, DropReason reason, int count) {
        if (count > 0) {
            lanes.get(lane).dropped.get(reason).increment(count);
        }
    }

    void connectFailure(Lane lane) {
        lanes.get(lane).connectFailures.increment();
    }

    void reconnect(Lane lane) {
        lanes.get(lane).reconnects.increment();
    }

    /** @param inbound true when this node refused a peer, false when a peer refused this node */
    void handshakeRejected(HandshakeRejection reason, boolean inbound) {
        String side = inbound ? "inbound" : "outbound";
        rejections.computeIfAbsent(reason.code() + "/" + side,
                k -> counter("handshake.rejected", tags.and("reason", reason.code(), "side", side))).increment();
    }

    void malformedFrame() {
        malformed.increment();
    }

    void stalledFrame() {
        stalled.increment();
    }

    void throttled() {
        throttled.increment();
    }

    private Counter counter(String name, Tags t) {
        Counter c = Counter.builder(PREFIX + name).tags(t).register(registry);
        meters.add(c);
        return c;
    }

    @Override
    public void close() {
        Meter m;
        while ((m = meters.poll()) != null) {
            registry.remove(m);
        }
    }
}
