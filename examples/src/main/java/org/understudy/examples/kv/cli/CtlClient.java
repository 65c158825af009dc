package org.understudy.examples.kv.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of {@code raft-kv ctl}: sends one request of RAFT-KV.md's API to the first endpoint
 * that answers (a member that is down is skipped; one that answers with an error is not, since
 * another member would answer the same), and parses the JSON answer.
 */
final class CtlClient {

    /** An answer: the endpoint that gave it, its status, its body and the body parsed (empty map if not JSON). */
    record Reply(String endpoint, int status, String body, Map<String, Object> json) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** No endpoint answered at all. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    private final List<String> endpoints;
    private final HttpClient http;
    private final Duration timeout;

    CtlClient(List<String> endpoints, Duration timeout) {
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    List<String> endpoints() {
        return endpoints;
    }

    Reply send(String method, String path, String body) throws Unreachable {
        List<String> failures = new ArrayList<>();
        for (String endpoint : endpoints) {
            try {
                return sendTo(endpoint, method, path, body);
            } catch (IOException e) {
                failures.add(endpoint + " (" + describe(e) + ")");
            }
        }
        throw new Unreachable("no endpoint answered: " + String.join(", ", failures));
    }

    /** Sends to one endpoint. */
    Reply sendTo(String endpoint, String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(endpoint) + path)).timeout(timeout);
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        b.method(method, publisher);
        if (body != null && body.startsWith("{")) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Reply(endpoint, r.statusCode(), r.body(), parse(r.body()));
    }

    static Map<String, Object> parse(String body) {
        if (body == null || body.isBlank() || !body.strip().startsWith("{")) {
            return Map.of();
        }
        try {
            return JSON.std.mapFrom(body);
        } catch (IOException e) {
            return Map.of();
        }
    }

    static String json(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pretty(String body) {
        try {
            Object tree = JSON.std.anyFrom(body);
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(tree);
        } catch (IOException | RuntimeException e) {
            return body;
        }
    }

    static String encodeSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String base(String endpoint) {
        String e = endpoint.strip();
        if (e.startsWith("http://") || e.startsWith("https://")) {
            return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
        }
        return "http://" + e;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
