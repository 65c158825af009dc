package org.understudy.raft.transport.netty.peer;

import java.util.Locale;

/**
 * Why a message was dropped; the {@code reason} tag of
 * {@code understudy.transport.messages.dropped}. Raft re-sends what matters, so every drop is
 * safe; the counts say where the pressure is.
 */
public enum DropReason {
    /** Sent to a node id with no address ({@code updatePeer} never called, or {@code removePeer}). */
    UNKNOWN_PEER,
    /** Sent after {@code close()}, or queued when the transport or the peer link closed. */
    CLOSED,
    /** The lane's queue to that peer was full: the peer (or the learner rate limit) is slower than the sender. */
    LANE_FULL,
    /** Larger than the maximum frame size; it can never be sent. */
    TOO_LARGE,
    /** Sent while the lane waits to reconnect after a failed connection attempt. */
    UNREACHABLE,
    /** Queued when an established connection broke. */
    CONNECTION_LOST,
    /** Received before {@code start()}. */
    NOT_STARTED,
    /** Received with a {@code from} other than the handshake's sender, or a {@code to} other than this node. */
    MISADDRESSED;

    /** The metric tag value, e.g. {@code lane-full}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
