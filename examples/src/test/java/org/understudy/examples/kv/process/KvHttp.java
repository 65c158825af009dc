package org.understudy.examples.kv.process;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The tests' client of RAFT-KV.md's HTTP/JSON API: the JDK's {@link HttpClient} (HTTP/1.1, as a
 * curl user would talk to a member). A request that gets no answer at all (connection refused,
 * reset by a kill, timeout) is a {@link Reply} with status 0, so that a writer racing a kill can
 * count it as "not acknowledged" instead of failing.
 */
final class KvHttp {
    /** Status of a request that got no HTTP answer. */
    static final int NO_ANSWER = 0;

    /** One answer. {@link #json()} parses the body as a JSON object. */
    record Reply(int status, String body) {
        boolean ok() {
            return status == 200 || status == 201;
        }

        Map<String, Object> json() {
            try {
                return JSON.std.mapFrom(body);
            } catch (IOException e) {
                throw new AssertionError("not a JSON object (status " + status + "): " + body, e);
            }
        }

        String code() {
            return String.valueOf(json().get("code"));
        }

        String str(String field) {
            return String.valueOf(json().get(field));
        }

        long num(String field) {
            Object v = json().get(field);
            if (!(v instanceof Number n)) {
                throw new AssertionError("'" + field + "' is not a number in " + body);
            }
            return n.longValue();
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> members() {
            return (List<Map<String, Object>>) json().get("members");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final String scheme;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param scheme {@code http}, or {@code https} for members started with {@code --tls-*}
     * @param http the client (with an SSLContext trusting the members' CA for https)
     * @param timeout per request; more than the server's 5 s request timeout, so its 503 arrives first
     */
    KvHttp(String scheme, HttpClient http, Duration timeout) {
        this.scheme = scheme;
        this.http = http;
        this.timeout = timeout;
    }

    /** Plain HTTP. */
    KvHttp(Duration timeout) {
        this("http", HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
                .build(), timeout);
    }

    KvHttp() {
        this(Duration.ofSeconds(15));
    }

    Reply put(String endpoint, String key, String value) {
        return send(endpoint, "PUT", "/v1/kv/" + segment(key), value);
    }

    Reply putIfRevision(String endpoint, String key, String value, long prevRevision) {
        return send(endpoint, "PUT", "/v1/kv/" + segment(key) + "?prev_revision=" + prevRevision, value);
    }

    Reply get(String endpoint, String key) {
        return send(endpoint, "GET", "/v1/kv/" + segment(key), (String) null);
    }

    Reply getSerializable(String endpoint, String key) {
        return send(endpoint, "GET", "/v1/kv/" + segment(key) + "?consistency=serializable", (String) null);
    }

    Reply delete(String endpoint, String key) {
        return send(endpoint, "DELETE", "/v1/kv/" + segment(key), (String) null);
    }

    Reply status(String endpoint) {
        return send(endpoint, "GET", "/v1/status", (String) null);
    }

    Reply members(String endpoint) {
        return send(endpoint, "GET", "/v1/members", (String) null);
    }

    Reply health(String endpoint) {
        return send(endpoint, "GET", "/health", (String) null);
    }

    /** Any request; {@code body} null for none. */
    Reply send(String endpoint, String method, String pathAndQuery, String body) {
        return sendBytes(endpoint, method, pathAndQuery, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    Reply sendBytes(String endpoint, String method, String pathAndQuery, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + endpoint + pathAndQuery))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
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

    private static String segment(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
