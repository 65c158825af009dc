package org.understudy.raft.transport.netty.peer;

import org.understudy.raft.transport.netty.support.LogThrottle;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;
import org.understudy.raft.transport.netty.TransportException;

/**
 * The peer {@link Transport} on Netty 4.2 (DESIGN.md §6; README.md has the wire format, knobs and
 * metrics).
 *
 * <h2>Life cycle</h2>
 * The constructor starts the event loops and binds the listen address, so
 * {@link #localAddress()} is known before {@link #start} (port 0 = a free port chosen by the OS).
 * Messages that arrive before {@link #start} are dropped. {@link #close()} closes every connection,
 * stops the threads, releases the port and removes the meters; it is idempotent.
 *
 * <h2>Sending</h2>
 * {@link #send} classifies the message into a {@link Lane}, finds the peer's {@link PeerLink} and
 * queues it on that lane; the lane's event loop connects (lazily, with backoff after failures),
 * writes and flushes. {@code send} never blocks and never throws for network trouble: a message to
 * an unknown peer, over the maximum frame size, into a full lane or to an unreachable peer is
 * dropped and counted in {@code understudy.transport.messages.dropped}.
 *
 * <h2>Connections</h2>
 * One connection per peer and lane, used both ways: a node answers a peer on the connection the
 * peer dialled instead of dialling its own (a two-way connection, agreed in the handshake; see
 * {@link OutboundLane} for who uses which connection when both dial at once, and
 * {@link #reverseLane} for when a node refuses to answer on an incoming connection). A request and
 * its answer thus share one TCP connection, like the answer of any request/response protocol.
 *
 * <h2>Threads</h2>
 * {@code ioThreads} Netty event loops named {@code understudy-netty-<node>-*} serve every
 * connection, in and out; one more thread ({@code understudy-dns-<node>-*}) resolves peer host
 * names. The inbound handler is called on the event loop that decoded the message and must not
 * block (a {@code RaftNode}'s only enqueues).
 */
public final class NettyTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final NettyTransportOptions options;
    private final long selfId;
    private final IoKind io;
    private final MultiThreadIoEventLoopGroup group;
    private final EventExecutor lookups;
    private final OffLoopResolver resolver;
    private final TransportMetrics metrics;
    private final InboundDelivery delivery;
    private final PeerServer server;
    private final OutboundLane.Context laneContext;
    private final InetSocketAddress localAddress;
    private final Map<Long, PeerLink> peers = new ConcurrentHashMap<>();
    private final Set<Long> learners = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LogThrottle tooLargeLog = new LogThrottle(30, TimeUnit.SECONDS);

    /**
     * Starts the event loops and listens on {@code options.listenHost():listenPort()}.
     *
     * @throws TransportException of kind {@code TLS_MATERIAL} if the TLS files do not load, or
     *     {@code CANNOT_LISTEN} if the address cannot be bound
     */
    public NettyTransport(NettyTransportOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.selfId = options.nodeId();
        SslContext serverTls = options.tls() == null ? null : options.tls().serverContext();
        SslContext clientTls = options.tls() == null ? null : options.tls().clientContext();
        this.io = IoKind.select(options.preferNativeTransport());
        this.metrics = new TransportMetrics(options.meterRegistry(), selfId, options.clusterId());
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                new DefaultThreadFactory("understudy-netty-" + selfId, true), io.handlerFactory());
        this.lookups = new DefaultEventExecutor(new DefaultThreadFactory("understudy-dns-" + selfId, true));
        this.resolver = new OffLoopResolver(lookups);
        this.delivery = new InboundDelivery(selfId, metrics);
        LogThrottle stallLog = new LogThrottle(10, TimeUnit.SECONDS); // one WARN per 10 s over all connections
        this.server = new PeerServer(options, io, serverTls, delivery, group, this::reverseLane, stallLog);
        PeerConnector connector = new PeerConnector(options, io, clientTls, resolver, delivery, stallLog);
        this.laneContext = new OutboundLane.Context(options.clusterId(), selfId, options, metrics, connector,
                delivery::unreachable);
        try {
            this.localAddress = server.bind();
        } catch (RuntimeException e) {
            shutDownThreads(true);
            metrics.close();
            throw e;
        }
        metrics.gauges(this, this::queuedBytes, server::acceptedConnections);
        log.info("node {}: peer transport listening on {} ({}, {} I/O threads, TLS {})", selfId,
                PeerAddress.of(localAddress), io, options.ioThreads(),
                options.tls() == null ? "off" : (options.tls().mutualTls() ? "mutual" : "server-only"));
    }

    /** The address actually bound (with the OS-chosen port when the options said 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** {@link #localAddress()} as {@code host:port}, the form {@link #updatePeer} takes. */
    public String address() {
        return PeerAddress.of(localAddress).toString();
    }

    /** Whether epoll or NIO does the I/O. */
    public IoKind ioKind() {
        return io;
    }

    public NettyTransportOptions options() {
        return options;
    }

    /** @throws IllegalStateException if already started or closed */
    @Override
    public void start(Inbound inbound) {
        Objects.requireNonNull(inbound, "inbound");
        if (closed.get()) {
            throw new IllegalStateException("the transport of node " + selfId + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the transport of node " + selfId + " is already started");
        }
        delivery.start(inbound);
    }

    @Override
    public void send(RaftMessage message) {
        if (message == null) {
            return;
        }
        int size = message.getSerializedSize();
        Lane lane = Lane.of(message, size, options.bulkThresholdBytes());
        if (closed.get()) {
            metrics.dropped(lane, DropReason.CLOSED);
            return;
        }
        if (size > options.maxFrameBytes()) {
            metrics.dropped(lane, DropReason.TOO_LARGE);
            if (tooLargeLog.allow()) {
                log.warn("node {}: dropped a {} of {} bytes to node {}: above the maximum frame size of {} bytes "
                        + "(raise maxFrameBytes, or lower the runtime's message and chunk sizes; logged once per 30 s)",
                        selfId, message.getType(), size, message.getTo(), options.maxFrameBytes());
            }
            return;
        }
        PeerLink link = peers.get(message.getTo());
        if (link == null) {
            metrics.dropped(lane, DropReason.UNKNOWN_PEER);
            return;
        }
        link.lane(lane).offer(message, size);
    }

    /**
     * Sets or changes a peer's address ({@code host:port}). A changed address closes the old
     * connections; the next message opens new ones. Addresses for this node itself are ignored.
     *
     * @throws org.understudy.raft.RaftException with {@code INVALID_PEER_URL} if it does not parse
     */
    @Override
    public void updatePeer(long nodeId, String address) {
        PeerAddress parsed = PeerAddress.parse(address, false);
        if (nodeId == selfId || closed.get()) {
            return;
        }
        PeerLink link = peers.compute(nodeId, (id, old) -> {
            if (old != null && old.address().equals(parsed)) {
                return old;
            }
            if (old != null) {
                old.close(DropReason.CLOSED);
            }
            return new PeerLink(id, parsed, this::nextLoop, laneContext);
        });
        link.setLearner(learners.contains(nodeId), options.learnerBulkBytesPerSecond());
        if (closed.get()) {
            link.close(DropReason.CLOSED); // lost a race with close()
        }
    }

    @Override
    public void removePeer(long nodeId) {
        PeerLink link = peers.remove(nodeId);
        if (link != null) {
            link.close(DropReason.UNKNOWN_PEER);
        }
    }

    /** Learners get the bulk bandwidth limit of {@link NettyTransportOptions#learnerBulkBytesPerSecond()}. */
    @Override
    public void updatePeerRole(long nodeId, boolean learner) {
        if (learner) {
            learners.add(nodeId);
        } else {
            learners.remove(nodeId);
        }
        PeerLink link = peers.get(nodeId);
        if (link != null) {
            link.setLearner(learners.contains(nodeId), options.learnerBulkBytesPerSecond());
        }
    }

    /** Whether the bulk lane to {@code nodeId} is currently rate-limited as a learner's. */
    public boolean isRateLimited(long nodeId) {
        PeerLink link = peers.get(nodeId);
        return link != null && link.lane(Lane.BULK).isRateLimited();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        delivery.stop();
        boolean onOwnLoop = onOwnThread();
        peers.values().forEach(l -> l.close(DropReason.CLOSED));
        peers.clear();
        server.close(!onOwnLoop);
        shutDownThreads(!onOwnLoop);
        metrics.close();
        log.info("node {}: peer transport closed", selfId);
    }

    @Override
    public String toString() {
        return "NettyTransport{node " + selfId + " at " + PeerAddress.of(localAddress) + (closed.get() ? ", closed" : "")
                + "}";
    }

    /**
     * The lane that may answer node {@code peer} on {@code channel}, a connection it dialled for
     * {@code lane}: the lane of a configured peer; without TLS only if the connection comes from
     * the IP literal configured for the peer ({@link PeerAddress#isHostOf}); under TLS only if the
     * peer's client certificate authenticates it as that peer as a dial would
     * ({@link ClientCertificates}); so that no message goes to a party a dial would not have
     * reached. Called on the channel's loop.
     */
    private OutboundLane reverseLane(long peer, Lane lane, io.netty.channel.Channel channel) {
        if (!options.twoWayConnections() || closed.get()) {
            return null;
        }
        PeerLink link = peers.get(peer);
        if (link == null) {
            return null; // not (yet) a configured peer: this node dials it once it is
        }
        if (options.tls() == null && !link.address().isHostOf(channel.remoteAddress())) {
            // Without TLS nothing authenticates the dialler; a dial reaches whoever has the peer's
            // configured address, so answer only a connection from that address's IP (else anyone
            // reaching the peer port could divert this node's messages to the peer).
            log.debug("node {}: not answering node {} on its {} connection from {}: it does not come from the IP of its"
                    + " configured address {} (plaintext two-way connections need an IP literal there)", selfId, peer,
                    lane.tag(), channel.remoteAddress(), link.address());
            return null;
        }
        if (options.tls() != null && !ClientCertificates.authenticates(channel, link.address(), options.tls())) {
            log.debug("node {}: not answering node {} on its {} connection from {}: its client certificate does not "
                    + "authenticate it as {} (needs mutual TLS, and the host name if verified)", selfId, peer,
                    lane.tag(), channel.remoteAddress(), link.address());
            return null;
        }
        return link.lane(lane);
    }

    private EventLoop nextLoop() {
        return group.next();
    }

    private double queuedBytes(Lane lane) {
        long sum = 0;
        for (PeerLink link : peers.values()) {
            sum += link.lane(lane).queuedBytes();
        }
        return sum;
    }

    private boolean onOwnThread() {
        for (var executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private void shutDownThreads(boolean wait) {
        var loops = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var dns = lookups.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        resolver.close();
        if (wait) {
            loops.awaitUninterruptibly(10, TimeUnit.SECONDS);
            dns.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
