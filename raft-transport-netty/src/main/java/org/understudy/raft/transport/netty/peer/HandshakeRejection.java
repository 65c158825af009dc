package org.understudy.raft.transport.netty.peer;

import java.util.Locale;

/**
 * Why a peer connection was refused before any Raft message crossed it; the {@code reason} tag of
 * {@code understudy.transport.handshake.rejected} and the {@code reason} of a refusing
 * {@code HandshakeReply}.
 */
public enum HandshakeRejection {
    /** The peer belongs to another cluster. */
    CLUSTER_ID,
    /** The peer meant to reach another node id (a stale or wrong address in its configuration). */
    WRONG_RECEIVER,
    /** The peer's id is 0 or this node's own id. */
    BAD_SENDER,
    /** The peer speaks another version of the peer protocol. */
    PROTOCOL_VERSION,
    /** The peer asked for a lane this node does not know. */
    UNKNOWN_LANE,
    /** The first frame was not a handshake (or not a handshake reply), or was too large. */
    MALFORMED,
    /** No handshake (or reply) arrived within the connect timeout. */
    TIMEOUT,
    /** The TLS handshake failed: no certificate, one from an untrusted CA, a name mismatch, or not TLS at all. */
    TLS,
    /** The reply came from another node or cluster than the one dialled (outbound side only). */
    WRONG_PEER;

    /** The wire and metric form, e.g. {@code cluster-id}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
