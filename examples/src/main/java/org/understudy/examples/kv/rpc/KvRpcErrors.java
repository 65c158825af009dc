package org.understudy.examples.kv.rpc;

import java.util.HashMap;
import java.util.Map;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/**
 * A {@link KvException} as the RPC layer sends it: a {@link RaftException} with a DESIGN.md §7
 * code. The codes the binary protocol answers in the reply instead ({@code KEY_NOT_FOUND},
 * {@code REVISION_MISMATCH}) never get here; the rest that have no §7 constant of their own become
 * the nearest one ({@code PAYLOAD_TOO_LARGE} and {@code NOT_FOUND} are bad requests).
 */
final class KvRpcErrors {
    /** The detail that carries the leader's hex member id beside the numeric leader hint. */
    static final String LEADER = "leader";

    private KvRpcErrors() {}

    static RaftException toRaft(KvException kv) {
        Map<String, String> details = new HashMap<>();
        kv.details().forEach((k, v) -> details.put(k, String.valueOf(v)));
        if (kv.code() == KvErrorCode.NOT_LEADER && kv.details().get(LEADER) instanceof String hex && !hex.isEmpty()) {
            try {
                details.put("leaderHint", Long.toUnsignedString(Long.parseUnsignedLong(hex, 16)));
            } catch (NumberFormatException ignored) {
                // the hex form still travels in "leader"
            }
        }
        return new RaftException(code(kv.code()), kv.getMessage(), details, kv);
    }

    static ErrorCode code(KvErrorCode code) {
        return switch (code) {
            case NOT_LEADER -> ErrorCode.NOT_LEADER;
            case UNSUPPORTED_ON_LEARNER -> ErrorCode.UNSUPPORTED_ON_LEARNER;
            case LEARNER_NOT_READY -> ErrorCode.LEARNER_NOT_READY;
            case TOO_MANY_LEARNERS -> ErrorCode.TOO_MANY_LEARNERS;
            case MEMBER_NOT_FOUND -> ErrorCode.MEMBER_NOT_FOUND;
            case NOT_A_LEARNER -> ErrorCode.NOT_A_LEARNER;
            case CONF_CHANGE_IN_PROGRESS -> ErrorCode.CONF_CHANGE_IN_PROGRESS;
            case INVALID_PEER_URL -> ErrorCode.INVALID_PEER_URL;
            case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            case BAD_REQUEST, PAYLOAD_TOO_LARGE, NOT_FOUND, KEY_NOT_FOUND, REVISION_MISMATCH -> ErrorCode.BAD_REQUEST;
        };
    }
}
