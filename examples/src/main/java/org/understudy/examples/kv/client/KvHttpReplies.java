package org.understudy.examples.kv.client;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.util.Map;
import java.util.Optional;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.examples.kv.api.Failures;

/**
 * How a raft-kv HTTP answer, or the lack of one, becomes a balancer {@link Reply} (the mapping of
 * client-balancer's README, "For raft-kv over HTTP").
 */
final class KvHttpReplies {
    private KvHttpReplies() {}

    static Reply of(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Reply.ok(response.body());
        }
        Map<String, Object> body = json(response.body());
        String code = text(body.get("code")).orElse("");
        String message = text(body.get("message")).orElse("HTTP " + status);
        if ("NOT_LEADER".equals(code)) {
            return Reply.notLeader(text(body.get("leader")).filter(s -> !s.isBlank()).orElse(null), message);
        }
        return switch (status) {
            case 403 -> Reply.error("UNSUPPORTED_ON_LEARNER", message);
            case 503 -> Reply.error("UNAVAILABLE", message);
            case 400 -> Reply.error("BAD_REQUEST", message);
            default -> Reply.error(code.isEmpty() ? "HTTP_" + status : code, message);
        };
    }

    /**
     * No answer: {@code NOT_SENT} only when no connection was made (refused, unresolvable, connect
     * timeout), since then the server cannot have read the request; anything later (a reset, an
     * answer that did not come in time) may have reached it, so {@code AMBIGUOUS}.
     */
    static Reply ofFailure(Throwable failure) {
        Throwable t = Failures.unwrap(failure);
        String what = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                || t instanceof UnresolvedAddressException || t.getCause() instanceof UnresolvedAddressException) {
            return Reply.notSent(what);
        }
        return Reply.ambiguous(what);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(byte[] body) {
        try {
            Object parsed = JSON.std.anyFrom(body);
            return parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IOException | RuntimeException e) {
            return Map.of(); // not JSON (a proxy's page): the status alone decides
        }
    }

    static Optional<String> text(Object v) {
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }
}
