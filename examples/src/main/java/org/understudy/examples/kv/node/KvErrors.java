package org.understudy.examples.kv.node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.raft.RaftException;

/**
 * Turns what the library throws into the {@link KvException}s of the API: the same stable code
 * (the library's codes of DESIGN.md §7 are a subset of {@link KvErrorCode}), the library's
 * sentence, and its details with numbers as numbers (so {@code lag} is a JSON number) but member ids
 * ({@code memberId}, {@code voterId}) as hex strings, as everywhere in the API. A
 * {@code NOT_LEADER} also gets {@code leader} (hex id) and {@code leaderClientUrl}, which the HTTP
 * layer forwards to.
 */
final class KvErrors {
    /** The library's details that carry a member id (in decimal). */
    private static final Set<String> MEMBER_ID_DETAILS = Set.of("memberId", "voterId");

    private final LongFunction<Optional<String>> clientUrlOf;

    /** @param clientUrlOf a member's client address ({@code host:port}) by id, when the registry has one */
    KvErrors(LongFunction<Optional<String>> clientUrlOf) {
        this.clientUrlOf = clientUrlOf;
    }

    /** The {@link KvException} for {@code failure}, unwrapping {@link CompletionException}s. */
    KvException translate(Throwable failure, String what) {
        Throwable t = Failures.unwrap(failure);
        if (t instanceof KvException kv) {
            return kv;
        }
        if (t instanceof RaftException raft) {
            return fromRaft(raft);
        }
        if (t instanceof TimeoutException) {
            return new KvException(KvErrorCode.UNAVAILABLE, what + " got no answer in time: no quorum, or the cluster"
                    + " is electing a leader; a write may still commit later", Map.of(), t);
        }
        return new KvException(KvErrorCode.UNAVAILABLE, what + " failed: " + t, Map.of(), t);
    }

    KvException notLeader(long self, long leader) {
        return fromRaft(RaftException.notLeader(self, leader));
    }

    private KvException fromRaft(RaftException e) {
        KvErrorCode code = KvErrorCode.valueOf(e.code().name());
        Map<String, Object> details = new LinkedHashMap<>();
        e.details().forEach((k, v) -> details.put(k, MEMBER_ID_DETAILS.contains(k) ? hexId(v) : numberOrText(v)));
        String message = e.getMessage();
        if (code == KvErrorCode.NOT_LEADER) {
            long leader = e.leaderHint();
            details.remove("leaderHint");
            if (leader != 0) {
                details.put("leader", ClusterIds.hex(leader));
                Optional<String> url = clientUrlOf.apply(leader);
                url.ifPresent(u -> details.put("leaderClientUrl", u));
                message = "this member is not the leader; the leader is " + ClusterIds.hex(leader)
                        + url.map(u -> " at " + u).orElse(" (its client address is not known yet)");
            } else {
                message = "this member is not the leader and no leader is known right now (an election is running"
                        + " or the quorum is lost); retry shortly";
            }
        }
        return new KvException(code, message, details, e);
    }

    /** Hex strings like every member id of the API (RAFT-KV.md: ids are strings, never JSON numbers). */
    private static Object hexId(String decimal) {
        try {
            return ClusterIds.hex(Long.parseUnsignedLong(decimal));
        } catch (NumberFormatException e) {
            return decimal;
        }
    }

    private static Object numberOrText(String v) {
        if (!v.isEmpty() && v.length() < 19 && v.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')
                && v.lastIndexOf('-') <= 0) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException ignored) {
                return v;
            }
        }
        return v;
    }
}
