package org.understudy.raft.transport.netty.peer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.Objects;
import org.understudy.raft.transport.netty.frame.FrameFormat;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * The knobs of one {@link NettyTransport}. Build with {@link #builder(String, long)}; every other
 * setting has a default (README.md lists them).
 *
 * @param clusterId the cluster this node belongs to; peers of another cluster are refused
 * @param nodeId this node's Raft id (positive); peers must dial it by this id
 * @param listenHost the address to accept peer connections on (default {@code 127.0.0.1}; use the
 *     machine's cluster-facing address, or {@code 0.0.0.0} for all)
 * @param listenPort the port (default 0: the OS picks a free one; see
 *     {@link NettyTransport#localAddress()})
 * @param maxFrameBytes the largest frame sent or accepted (default 16 MiB). Must exceed the largest
 *     Raft message: {@code RaftConfig.maxSizePerMsg} (1 MiB by default, but at least one whole
 *     entry) and {@code RaftNodeOptions.snapshotChunkBytes} (1 MiB by default), plus headers. A
 *     larger message is dropped and counted ({@code reason=too-large}), never sent
 * @param bulkThresholdBytes appends whose serialized size is above this travel in the bulk lane
 *     (default 64 KiB); snapshot chunks always do
 * @param learnerBulkBytesPerSecond the bandwidth limit of the bulk lane to each learner (default
 *     32 MiB/s; 0 = unlimited). Voters are never limited
 * @param reconnectBackoffMin the first delay before reconnecting after a failure (default 100 ms)
 * @param reconnectBackoffMax the largest delay between attempts (default 5 s)
 * @param connectTimeout how long a TCP connect, the TLS handshake and the peer handshake may each
 *     take before the attempt counts as failed; the accepting side waits as long for the first
 *     frame (default 5 s)
 * @param stalledFrameTimeout how long an accepted connection may hold part of a frame without
 *     receiving another byte before it is closed (default 15 s; see {@link StalledFrameGuard}). Only
 *     a frame that stops arriving midway counts: a connection that is silent between frames stays
 *     open however long, so idle connections and heartbeats are never affected. The default is far
 *     above the gaps of a healthy sender, which writes every frame whole (TCP retransmission backs
 *     off 0.2, 0.4, … 6.4 s: six losses in a row fit), and short enough that a peer that froze
 *     or vanished mid-frame does not hold its buffer until TCP keepalive notices (hours)
 * @param controlWatermark the control lane's write-buffer watermarks per peer (default 256 KiB /
 *     1 MiB): above the high mark the lane stops writing, and its queue (bounded by the same high
 *     mark) drops what does not fit
 * @param bulkWatermark the same for the bulk lane (default 4 MiB / 8 MiB)
 * @param ioThreads Netty event-loop threads for all of this node's connections (default 2: with two
 *     the control and bulk connections to a peer usually land on different threads)
 * @param preferNativeTransport use epoll when it is available (default true); false forces NIO
 * @param tls TLS settings for every peer connection, or {@code null} for plain TCP (default)
 * @param twoWayConnections whether a lane's connection carries messages both ways (default true):
 *     this node answers a peer on the connection the peer dialled instead of dialling its own, and
 *     reads the answers a peer sends back on a connection this node dialled. Off, the node behaves
 *     like a release without the feature (one connection per direction and lane); peers with it on
 *     still talk to it. See README.md, "Connections"
 * @param meterRegistry where the transport's meters go (default {@link Metrics#globalRegistry}, so
 *     a registry the application adds there sees them; the transport removes its meters when
 *     closed)
 */
public record NettyTransportOptions(
        String clusterId,
        long nodeId,
        String listenHost,
        int listenPort,
        int maxFrameBytes,
        int bulkThresholdBytes,
        long learnerBulkBytesPerSecond,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        Duration connectTimeout,
        Duration stalledFrameTimeout,
        WriteBufferWaterMark controlWatermark,
        WriteBufferWaterMark bulkWatermark,
        int ioThreads,
        boolean preferNativeTransport,
        TlsSettings tls,
        boolean twoWayConnections,
        MeterRegistry meterRegistry) {

    public NettyTransportOptions {
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isBlank() || clusterId.length() > 200 || !clusterId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "clusterId must be 1..200 printable ASCII characters without spaces: '" + clusterId + "'");
        }
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be positive: " + nodeId);
        }
        new PeerAddress(listenHost, listenPort); // validates
        FrameFormat.checkMaxFrameBytes(maxFrameBytes);
        if (bulkThresholdBytes < 0 || bulkThresholdBytes >= maxFrameBytes) {
            throw new IllegalArgumentException("bulkThresholdBytes must be in 0.." + (maxFrameBytes - 1)
                    + " (below maxFrameBytes), got " + bulkThresholdBytes);
        }
        if (learnerBulkBytesPerSecond < 0) {
            throw new IllegalArgumentException("learnerBulkBytesPerSecond must be >= 0 (0 = unlimited), got "
                    + learnerBulkBytesPerSecond);
        }
        requirePositive("reconnectBackoffMin", reconnectBackoffMin);
        requirePositive("reconnectBackoffMax", reconnectBackoffMax);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("stalledFrameTimeout", stalledFrameTimeout);
        if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoffMax (" + reconnectBackoffMax
                    + ") must not be below reconnectBackoffMin (" + reconnectBackoffMin + ")");
        }
        Objects.requireNonNull(controlWatermark, "controlWatermark");
        Objects.requireNonNull(bulkWatermark, "bulkWatermark");
        if (ioThreads <= 0) {
            throw new IllegalArgumentException("ioThreads must be positive, got " + ioThreads);
        }
        Objects.requireNonNull(meterRegistry, "meterRegistry");
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Options for node {@code nodeId} of cluster {@code clusterId}, all else default. */
    public static Builder builder(String clusterId, long nodeId) {
        return new Builder(clusterId, nodeId);
    }

    public Builder toBuilder() {
        return new Builder(clusterId, nodeId).listen(listenHost, listenPort).maxFrameBytes(maxFrameBytes)
                .bulkThresholdBytes(bulkThresholdBytes).learnerBulkBytesPerSecond(learnerBulkBytesPerSecond)
                .reconnectBackoff(reconnectBackoffMin, reconnectBackoffMax).connectTimeout(connectTimeout)
                .stalledFrameTimeout(stalledFrameTimeout).controlWatermark(controlWatermark).bulkWatermark(bulkWatermark).ioThreads(ioThreads)
                .preferNativeTransport(preferNativeTransport).tls(tls).twoWayConnections(twoWayConnections)
                .meterRegistry(meterRegistry);
    }

    /** The watermarks of {@code lane}; the high mark also bounds the lane's queue per peer. */
    WriteBufferWaterMark watermark(Lane lane) {
        return lane == Lane.CONTROL ? controlWatermark : bulkWatermark;
    }

    /** Builds {@link NettyTransportOptions}; see the record's components for the defaults. */
    public static final class Builder {
        private final String clusterId;
        private final long nodeId;
        private String listenHost = "127.0.0.1";
        private int listenPort = 0;
        private int maxFrameBytes = FrameFormat.DEFAULT_MAX_FRAME_BYTES;
        private int bulkThresholdBytes = 64 << 10;
        private long learnerBulkBytesPerSecond = 32L << 20;
        private Duration reconnectBackoffMin = Duration.ofMillis(100);
        private Duration reconnectBackoffMax = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration stalledFrameTimeout = Duration.ofSeconds(15);
        private WriteBufferWaterMark controlWatermark = new WriteBufferWaterMark(256 << 10, 1 << 20);
        private WriteBufferWaterMark bulkWatermark = new WriteBufferWaterMark(4 << 20, 8 << 20);
        private int ioThreads = 2;
        private boolean preferNativeTransport = true;
        private TlsSettings tls;
        private boolean twoWayConnections = true;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder(String clusterId, long nodeId) {
            this.clusterId = clusterId;
            this.nodeId = nodeId;
        }

        public Builder listen(String host, int port) { this.listenHost = host; this.listenPort = port; return this; }

        /**
         * The listen address as {@code host:port} ({@code [v6]:port}); port 0 picks a free one.
         *
         * @throws org.understudy.raft.RaftException with {@code INVALID_PEER_URL} if it does not parse
         */
        public Builder listen(String hostAndPort) {
            PeerAddress a = PeerAddress.parse(hostAndPort, true);
            return listen(a.host(), a.port());
        }

        public Builder maxFrameBytes(int v) { this.maxFrameBytes = v; return this; }
        public Builder bulkThresholdBytes(int v) { this.bulkThresholdBytes = v; return this; }
        public Builder learnerBulkBytesPerSecond(long v) { this.learnerBulkBytesPerSecond = v; return this; }
        public Builder reconnectBackoff(Duration min, Duration max) { this.reconnectBackoffMin = min; this.reconnectBackoffMax = max; return this; }
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }
        public Builder stalledFrameTimeout(Duration v) { this.stalledFrameTimeout = v; return this; }
        public Builder controlWatermark(WriteBufferWaterMark v) { this.controlWatermark = v; return this; }
        public Builder bulkWatermark(WriteBufferWaterMark v) { this.bulkWatermark = v; return this; }
        public Builder ioThreads(int v) { this.ioThreads = v; return this; }
        public Builder preferNativeTransport(boolean v) { this.preferNativeTransport = v; return this; }
        public Builder tls(TlsSettings v) { this.tls = v; return this; }
        public Builder twoWayConnections(boolean v) { this.twoWayConnections = v; return this; }
        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = v; return this; }

        public NettyTransportOptions build() {
            return new NettyTransportOptions(clusterId, nodeId, listenHost, listenPort, maxFrameBytes,
                    bulkThresholdBytes, learnerBulkBytesPerSecond, reconnectBackoffMin, reconnectBackoffMax,
                    connectTimeout, stalledFrameTimeout, controlWatermark, bulkWatermark, ioThreads, preferNativeTransport, tls,
                    twoWayConnections, meterRegistry);
        }
    }
}
