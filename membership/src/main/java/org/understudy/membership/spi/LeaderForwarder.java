package org.understudy.membership.spi;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;

/**
 * Sends a membership request to the leader when this node is not the leader (DESIGN.md §4.5:
 * decisions are made on the leader; a follower forwards). The transport is not this module's:
 * an application plugs in its own RPC (the examples use the Netty RPC).
 */
public interface LeaderForwarder {

    /**
     * Sends {@code request} to node {@code leaderId} and completes with its answer, or fails with
     * the leader's {@link RaftException}.
     */
    <T> CompletableFuture<T> forward(long leaderId, MembershipRequest<T> request);

    /** Forwards nothing: fails with {@code NOT_LEADER} carrying the leader hint, so the caller can retry there. */
    static LeaderForwarder none() {
        return NoForwarding.INSTANCE;
    }

    /** {@link #none()}, its {@code NOT_LEADER} message writing the leader's id with {@code ids}. */
    static LeaderForwarder none(NodeIdFormat ids) {
        return ids == NodeIdFormat.DECIMAL ? NoForwarding.INSTANCE : new NoForwarding(ids);
    }

    /** The {@link #none()} forwarder. */
    final class NoForwarding implements LeaderForwarder {
        static final NoForwarding INSTANCE = new NoForwarding(NodeIdFormat.DECIMAL);

        private final NodeIdFormat ids;

        private NoForwarding(NodeIdFormat ids) {
            this.ids = Objects.requireNonNull(ids, "ids");
        }

        @Override
        public <T> CompletableFuture<T> forward(long leaderId, MembershipRequest<T> request) {
            String where = leaderId == 0 ? "no leader is known right now; retry shortly"
                    : "send it to the leader, node " + ids.format(leaderId);
            return CompletableFuture.failedFuture(new RaftException(ErrorCode.NOT_LEADER,
                    "this node is not the leader and forwards no membership requests (" + request.describe(ids)
                            + "): " + where,
                    Map.of("leaderHint", Long.toString(leaderId))));
        }

        @Override
        public String toString() {
            return "LeaderForwarder.none()";
        }
    }
}
