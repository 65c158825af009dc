package org.understudy.raft.transport.netty.peer;

import org.understudy.raft.transport.netty.proto.Handshake;
import org.understudy.raft.transport.netty.proto.HandshakeReply;

/**
 * The peer handshake: building it, and judging one that arrives. Pure functions.
 *
 * <p>{@code two_way} (a later field of protocol 1, no version bump): a connecting node that sets
 * it in its {@link Handshake} will read Raft messages on the connection; an accepting node that
 * sets it in its {@link HandshakeReply} may send them there. Both must say so, so a node that
 * predates the field (never sets it, ignores it) keeps the one-way connections it knows.
 */
final class PeerProtocol {
    /** The protocol this build speaks. Bump it when the meaning of a frame changes. */
    static final int VERSION = 1;

    /** The outcome of checking a handshake: {@code rejection == null} means accepted. */
    record Verdict(HandshakeRejection rejection, String detail) {
        static final Verdict ACCEPTED = new Verdict(null, "");

        boolean accepted() {
            return rejection == null;
        }
    }

    private PeerProtocol() {}

    static Handshake handshake(String clusterId, long from, long to, Lane lane) {
        return handshake(clusterId, from, to, lane, false);
    }

    /** @param twoWay whether the sender will read Raft messages the accepting node sends back */
    static Handshake handshake(String clusterId, long from, long to, Lane lane, boolean twoWay) {
        return Handshake.newBuilder().setProtocolVersion(VERSION).setClusterId(clusterId).setFrom(from).setTo(to)
                .setLane(lane.wire()).setTwoWay(twoWay).build();
    }

    /** Judges a handshake arriving at node {@code self} of cluster {@code clusterId}. */
    static Verdict check(Handshake h, String clusterId, long self) {
        if (h.getProtocolVersion() != VERSION) {
            return new Verdict(HandshakeRejection.PROTOCOL_VERSION, "node " + h.getFrom() + " speaks peer protocol "
                    + h.getProtocolVersion() + ", this node speaks " + VERSION);
        }
        if (!h.getClusterId().equals(clusterId)) {
            return new Verdict(HandshakeRejection.CLUSTER_ID, "node " + h.getFrom() + " belongs to cluster '"
                    + h.getClusterId() + "', this node to cluster '" + clusterId + "'");
        }
        if (h.getTo() != self) {
            return new Verdict(HandshakeRejection.WRONG_RECEIVER, "node " + h.getFrom() + " wanted node " + h.getTo()
                    + " but reached node " + self + ": its address for node " + h.getTo() + " is wrong");
        }
        if (h.getFrom() == 0 || h.getFrom() == self) {
            return new Verdict(HandshakeRejection.BAD_SENDER, "the sender claims node id " + h.getFrom());
        }
        if (Lane.fromWire(h.getLane()) == null) {
            return new Verdict(HandshakeRejection.UNKNOWN_LANE, "node " + h.getFrom() + " asked for lane "
                    + h.getLaneValue());
        }
        return Verdict.ACCEPTED;
    }

    static HandshakeReply accepted(String clusterId, long self) {
        return accepted(clusterId, self, false);
    }

    /** @param twoWay whether the accepting node may send its Raft messages on this connection */
    static HandshakeReply accepted(String clusterId, long self, boolean twoWay) {
        return HandshakeReply.newBuilder().setAccepted(true).setProtocolVersion(VERSION).setClusterId(clusterId)
                .setNodeId(self).setTwoWay(twoWay).build();
    }

    static HandshakeReply refused(String clusterId, long self, Verdict verdict) {
        return HandshakeReply.newBuilder().setAccepted(false).setProtocolVersion(VERSION).setClusterId(clusterId)
                .setNodeId(self).setReason(verdict.rejection().code()).setDetail(verdict.detail()).build();
    }

    /** Judges the reply to a handshake this node sent to node {@code peer}. */
    static Verdict checkReply(HandshakeReply r, String clusterId, long peer) {
        if (!r.getAccepted()) {
            HandshakeRejection reason = fromCode(r.getReason());
            return new Verdict(reason != null ? reason : HandshakeRejection.MALFORMED,
                    "node " + peer + " refused the connection (" + r.getReason() + "): " + r.getDetail());
        }
        if (r.getNodeId() != peer || !r.getClusterId().equals(clusterId)) {
            return new Verdict(HandshakeRejection.WRONG_PEER, "dialled node " + peer + " of cluster '" + clusterId
                    + "' but node " + r.getNodeId() + " of cluster '" + r.getClusterId() + "' answered");
        }
        return Verdict.ACCEPTED;
    }

    private static HandshakeRejection fromCode(String code) {
        for (HandshakeRejection r : HandshakeRejection.values()) {
            if (r.code().equals(code)) {
                return r;
            }
        }
        return null;
    }
}
