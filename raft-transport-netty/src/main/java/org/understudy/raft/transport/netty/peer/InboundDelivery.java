package org.understudy.raft.transport.netty.peer;

import org.understudy.raft.transport.netty.support.LogThrottle;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/**
 * Hands decoded messages to the node's {@link Transport.Inbound}, on the event loop that decoded
 * them: the SPI requires the handler not to block (a {@code RaftNode} only enqueues), so nothing
 * is copied to another thread. Checks that each message carries the sender the handshake named
 * and this node as receiver; drops (and counts) the rest, and everything before
 * {@link #start}.
 */
final class InboundDelivery {
    private static final Logger log = LoggerFactory.getLogger(InboundDelivery.class);

    private final long selfId;
    private final TransportMetrics metrics;
    private final LogThrottle misaddressedLog = new LogThrottle(30, TimeUnit.SECONDS);
    private final LogThrottle handlerFailureLog = new LogThrottle(30, TimeUnit.SECONDS);
    private final Map<HandshakeRejection, LogThrottle> refusalLogs = new EnumMap<>(HandshakeRejection.class);
    private volatile Transport.Inbound inbound;
    private volatile boolean stopped;

    InboundDelivery(long selfId, TransportMetrics metrics) {
        this.selfId = selfId;
        this.metrics = metrics;
        for (HandshakeRejection r : HandshakeRejection.values()) {
            refusalLogs.put(r, new LogThrottle(10, TimeUnit.SECONDS));
        }
    }

    /**
     * Whether a refusal for {@code reason} may be logged at WARN now: one line per reason per 10 s,
     * so a misconfigured peer that keeps dialling in is reported without flooding the log.
     */
    boolean mayLogRefusal(HandshakeRejection reason) {
        return refusalLogs.get(reason).allow();
    }

    long selfId() {
        return selfId;
    }

    TransportMetrics metrics() {
        return metrics;
    }

    void start(Transport.Inbound handler) {
        this.inbound = handler;
    }

    /** Nothing is delivered after this. */
    void stop() {
        stopped = true;
    }

    Transport.Inbound handler() {
        return stopped ? null : inbound;
    }

    /** A message arrived on a connection whose handshake named {@code sender}. */
    void deliver(RaftMessage message, long sender, Lane lane) {
        metrics.received(lane, message.getSerializedSize() + 4);
        if (message.getFrom() != sender || message.getTo() != selfId) {
            metrics.dropped(lane, DropReason.MISADDRESSED);
            if (misaddressedLog.allow()) {
                log.warn("node {}: dropped a {} from={} to={} that arrived on node {}'s connection (logged once per 30 s)",
                        selfId, message.getType(), message.getFrom(), message.getTo(), sender);
            }
            return;
        }
        Transport.Inbound handler = handler();
        if (handler == null) {
            metrics.dropped(lane, DropReason.NOT_STARTED);
            return;
        }
        try {
            handler.onMessage(message);
        } catch (RuntimeException e) {
            if (handlerFailureLog.allow()) {
                log.warn("node {}: the inbound handler threw on a {} from node {} (logged once per 30 s)", selfId,
                        message.getType(), sender, e);
            }
        }
    }

    /** Tells the node that {@code peer} could not be reached. */
    void unreachable(long peer) {
        Transport.Inbound handler = handler();
        if (handler == null) {
            return;
        }
        try {
            handler.onUnreachable(peer);
        } catch (RuntimeException e) {
            if (handlerFailureLog.allow()) {
                log.warn("node {}: onUnreachable({}) threw", selfId, peer, e);
            }
        }
    }
}
