package org.understudy.examples.kv.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;
import org.understudy.raft.transport.netty.proto.LaneKind;

/**
 * How a member started with {@code --initial-cluster-state existing} on an empty data dir learns
 * who it is. Its member id was chosen by the leader's membership service when it was added, and
 * the cluster id was derived from the founders' initial cluster, so neither can be computed from
 * the flags (etcd solves the same problem by asking the existing members).
 *
 * <p>Here the peer transport's own handshake tells: once {@code member add} is committed, the
 * leader dials the new member's peer address, and its first frame is a {@link Handshake} carrying
 * the cluster id and the id the leader gave the new member ({@code to}). So this class listens on
 * the peer address before the transport does, reads that one frame, and hangs up (the leader
 * reconnects after its backoff, this time to the real transport). Then it asks each address of
 * {@code --initial-cluster} for its node id with a handshake the peer refuses but answers
 * ({@link HandshakeReply} carries {@code node_id}), so that this member can answer the leader
 * before the leader's snapshot has told it the member list.
 *
 * <p>Plain TCP only: with TLS the handshake frame is encrypted (a TLS joiner is refused with a
 * message, see {@link KvNode}).
 */
final class JoinDiscovery {
    private static final Logger log = LoggerFactory.getLogger(JoinDiscovery.class);
    private static final int MAX_FRAME = 1 << 20;
    private static final int PROTOCOL_VERSION = 1;

    /** What discovery found: this member's cluster and id, and the node ids of the addresses that answered. */
    record Result(String clusterId, long memberId, long contactedBy, Map<Long, HostPort> peers) {}

    private JoinDiscovery() {}

    /**
     * Waits up to {@code timeout} for a cluster member to dial {@code listen}, then probes
     * {@code cluster}'s other addresses.
     *
     * @throws ConfigException when the port cannot be bound or nobody dialled within the timeout
     */
    static Result discover(String name, HostPort listen, InitialCluster cluster, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Handshake first = awaitHandshake(name, listen, deadline, timeout);
        Map<Long, HostPort> peers = probeAll(name, cluster, first.getClusterId(), first.getTo());
        log.info("'{}' joins cluster {} as member {} (contacted by member {}); peers found: {}", name,
                first.getClusterId(), ClusterIds.hex(first.getTo()), ClusterIds.hex(first.getFrom()), peers);
        return new Result(first.getClusterId(), first.getTo(), first.getFrom(), peers);
    }

    /** The node ids of {@code cluster}'s addresses (other than {@code name}'s) that answer a probe. */
    static Map<Long, HostPort> probeAll(String name, InitialCluster cluster, String clusterId, long selfId) {
        Map<Long, HostPort> peers = new LinkedHashMap<>();
        for (InitialCluster.Member m : cluster.members()) {
            if (!m.name().equals(name)) {
                probe(m.peer(), clusterId, selfId).ifPresent(id -> peers.put(id, m.peer()));
            }
        }
        return peers;
    }

    private static Handshake awaitHandshake(String name, HostPort listen, long deadline, Duration timeout) {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            try {
                server.bind(new InetSocketAddress(listen.host(), listen.port()));
            } catch (IOException e) {
                throw new ConfigException("cannot listen on the peer address " + listen + " (" + e.getMessage()
                        + "); is another process using the port?", e);
            }
            log.info("'{}' has an empty data dir and joins an existing cluster: waiting on {} for the leader to"
                    + " contact it (it must have been added with `raft-kv ctl member add {} --peer-url {}`)",
                    name, listen, name, listen);
            long nextReminder = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ConfigException("no member of the cluster contacted '" + name + "' at " + listen
                            + " within " + timeout.toSeconds() + " s. Add it first (`raft-kv ctl member add " + name
                            + " --peer-url " + listen + "`), and check that the leader can reach this address");
                }
                server.setSoTimeout((int) Math.max(1, Math.min(left / 1_000_000, 1_000)));
                try (Socket s = server.accept()) {
                    Handshake h = readHandshake(s);
                    if (h != null && !h.getClusterId().isEmpty() && h.getTo() != 0 && h.getFrom() != 0) {
                        return h;
                    }
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() > nextReminder) {
                        log.info("'{}' is still waiting for the leader on {}", name, listen);
                        nextReminder = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    }
                } catch (IOException e) {
                    log.debug("discovery: a connection on {} failed: {}", listen, e.toString());
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot listen on the peer address " + listen + ": " + e.getMessage(), e);
        }
    }

    private static Handshake readHandshake(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length = in.readInt();
        if (length <= 0 || length > MAX_FRAME) {
            return null;
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            return null;
        }
        try {
            return Handshake.parseFrom(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Asks {@code address} for its node id; empty when it does not answer or is of another cluster. */
    private static java.util.Optional<Long> probe(HostPort address, String clusterId, long selfId) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.host(), address.port()), 2_000);
            s.setSoTimeout(3_000);
            byte[] hello = Handshake.newBuilder().setProtocolVersion(PROTOCOL_VERSION).setClusterId(clusterId)
                    .setFrom(selfId).setTo(0).setLane(LaneKind.LANE_CONTROL).build().toByteArray();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(hello.length);
            out.write(hello);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int length = in.readInt();
            if (length <= 0 || length > MAX_FRAME) {
                return java.util.Optional.empty();
            }
            HandshakeReply reply = HandshakeReply.parseFrom(in.readNBytes(length));
            if (!reply.getClusterId().equals(clusterId) || reply.getNodeId() == 0) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(reply.getNodeId());
        } catch (IOException e) {
            log.debug("discovery: probing {} failed: {}", address, e.toString());
            return java.util.Optional.empty();
        }
    }
}
