package org.understudy.membership.spi;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.understudy.raft.ErrorCode;
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

    /** The {@link #none()} forwarder. */
    final class NoForwarding implements LeaderForwarder {
        static final NoForwarding INSTANCE = new NoForwarding();

        private NoForwarding() {}

        @Override
        public <T> CompletableFuture<T> forward(long leaderId, MembershipRequest<T> request) {
            String where = leaderId == 0 ? "no leader is known right now; retry shortly"
                    : "send it to the leader, node " + leaderId;
            return CompletableFuture.failedFuture(new RaftException(ErrorCode.NOT_LEADER,
                    "this node is not the leader and forwards no membership requests (" + request.describe()
                            + "): " + where,
                    Map.of("leaderHint", Long.toString(leaderId))));
        }

        @Override
        public String toString() {
            return "LeaderForwarder.none()";
        }
    }
}
