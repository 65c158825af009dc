package org.understudy.bench.learner;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's client of raft-kv's HTTP/JSON API (RAFT-KV.md), plain HTTP/1.1 with the JDK's
 * client. A request that gets no answer at all (refused, reset, timed out) is a {@link Reply} with
 * status {@link #NO_ANSWER}: writers count it as failed and go on.
 */
final class RaftKvHttp {
    static final int NO_ANSWER = 0;

    /** One answer; {@link #json()} parses its body. */
    record Reply(int status, String body) {
        boolean ok() {
            return status == 200 || status == 201;
        }

        Map<String, Object> json() {
            try {
                return JSON.std.mapFrom(body);
            } catch (IOException e) {
                throw new IllegalStateException("not a JSON object (status " + status + "): " + body, e);
            }
        }

        /** The error code of an error answer, or "" for an answer that is not a JSON error. */
        String code() {
            try {
                Object code = JSON.std.mapFrom(body).get("code");
                return code == null ? "" : code.toString();
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A member as {@code GET /v1/members} lists it. */
    record MemberEntry(String id, String name, boolean learner, long matchIndex, long lag) {}

    /** What {@code POST /v1/members} answered: the new member's id and how to start it. */
    record Added(String id, String initialCluster) {}

    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout per request: more than the server's 5 s request timeout, so that its 503 arrives first */
    RaftKvHttp(Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        this.timeout = timeout;
    }

    Reply put(String endpoint, String key, String value) {
        return send(endpoint, "PUT", "/v1/kv/" + key, value);
    }

    /** Adds a learner named {@code name} reached at {@code peerUrl}. */
    Added addLearner(String endpoint, String name, String peerUrl) {
        Reply r = send(endpoint, "POST", "/v1/members",
                "{\"name\":\"" + name + "\",\"peerUrls\":[\"" + peerUrl + "\"],\"learner\":true}");
        if (r.status() != 201) {
            throw new IllegalStateException("member add " + name + " at " + endpoint + ": " + r);
        }
        Map<?, ?> member = (Map<?, ?>) r.json().get("member");
        return new Added(String.valueOf(member.get("id")), String.valueOf(r.json().get("initialCluster")));
    }

    Reply promote(String endpoint, String id) {
        return send(endpoint, "POST", "/v1/members/" + id + "/promote", null);
    }

    /** The member list as the member at {@code endpoint} knows it (never forwarded), if it answered. */
    Optional<List<MemberEntry>> members(String endpoint) {
        Reply r = send(endpoint, "GET", "/v1/members", null);
        if (r.status() != 200) {
            return Optional.empty();
        }
        List<?> list = (List<?>) r.json().get("members");
        return Optional.of(list.stream().map(o -> (Map<?, ?>) o).map(m -> new MemberEntry(String.valueOf(m.get("id")),
                String.valueOf(m.get("name")), Boolean.TRUE.equals(m.get("learner")), number(m.get("matchIndex")),
                number(m.get("lag")))).toList());
    }

    private Reply send(String endpoint, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + endpoint + path))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Reply(NO_ANSWER, "no answer from " + endpoint + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(NO_ANSWER, "interrupted");
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : -1;
    }
}
