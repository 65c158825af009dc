package org.understudy.examples.kv.client;

import java.util.Map;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.examples.kv.api.Failures;
import org.understudy.raft.RaftException;

/**
 * How a failed call of raft-kv's binary protocol becomes a balancer {@link Reply}. The RPC client
 * fails every call with a {@link RaftException}; its {@code outcome} detail, present on the
 * failures the RPC layer makes itself, says whether the server can have carried the call out.
 */
final class KvRpcReplies {
    private static final String OUTCOME = "outcome";
    private static final String SERVER_CODE = "serverCode";
    private static final String LEADER = "leader";

    private KvRpcReplies() {}

    static Reply ofFailure(Throwable failure) {
        Throwable t = Failures.unwrap(failure);
        if (!(t instanceof RaftException e)) {
            // not from the RPC client (which fails only with RaftException): say the least
            return Reply.ambiguous(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
        Map<String, String> details = e.details();
        String outcome = details.get(OUTCOME);
        if ("not-sent".equals(outcome) || "not-executed".equals(outcome)) {
            // never sent, or refused before the server started it (overloaded): safe to send elsewhere
            return Reply.notSent(e.getMessage());
        }
        if ("unknown".equals(outcome)) {
            return Reply.ambiguous(e.getMessage());
        }
        String code = details.getOrDefault(SERVER_CODE, e.code().name());
        if ("NOT_LEADER".equals(code)) {
            String leader = details.get(LEADER);
            if ((leader == null || leader.isEmpty()) && e.leaderHint() != 0) {
                leader = Long.toHexString(e.leaderHint());
            }
            return Reply.notLeader(leader == null || leader.isEmpty() ? null : leader, e.getMessage());
        }
        return Reply.error(code, e.getMessage());
    }
}
