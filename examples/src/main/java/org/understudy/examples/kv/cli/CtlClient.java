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
import javax.net.ssl.SSLContext;

/**
 * The HTTP side of {@code raft-kv ctl}: sends one request of RAFT-KV.md's API to the first endpoint
 * that answers (a member that is down is skipped; one that answers with an error is not, since
 * another member would answer the same), and parses the JSON answer. With an {@link SSLContext}
 * ({@code --cacert}, and {@code --cert}/{@code --key}) endpoints given as {@code host:port} are
 * reached over https.
 */
final class CtlClient {

    /** An answer: the endpoint that gave it, its status, its body and the body parsed (empty map if not JSON). */
    record Reply(String endpoint, int status, String body, Map<String, Object> json) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** No endpoint answered at all; {@link #code()} is the failures' common code, else {@code UNAVAILABLE}. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        Unreachable(String code, String message) {
            super(message);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    private final List<String> endpoints;
    private final HttpClient http;
    private final Duration timeout;
    private final String scheme;
    private final boolean clientCertificate;

    /**
     * @param tls the context to talk https with, or null for plain HTTP
     * @param clientCertificate whether {@code tls} presents a client certificate ({@code --cert})
     */
    CtlClient(List<String> endpoints, Duration timeout, SSLContext tls, boolean clientCertificate) {
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            http.sslContext(tls);
        }
        this.http = http.build();
        this.scheme = tls == null ? "http" : "https";
        this.clientCertificate = clientCertificate;
    }

    List<String> endpoints() {
        return endpoints;
    }

    Reply send(String method, String path, String body) throws Unreachable {
        List<String> failures = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (String endpoint : endpoints) {
            try {
                return sendTo(endpoint, method, path, body);
            } catch (IOException e) {
                ConnectionFailure failure = describe(endpoint, e);
                failures.add(endpoint + " (" + failure.sentence() + ")");
                codes.add(failure.code());
            }
        }
        String code = codes.stream().distinct().count() == 1 ? codes.get(0) : ConnectionFailure.UNAVAILABLE;
        throw new Unreachable(code, "no endpoint answered: " + String.join(", ", failures));
    }

    /** Why a request to {@code endpoint} got no answer, in words. */
    ConnectionFailure describe(String endpoint, IOException e) {
        URI uri = URI.create(base(endpoint));
        return ConnectionFailure.of(e, "https".equalsIgnoreCase(uri.getScheme()), clientCertificate, uri.getHost());
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

    private String base(String endpoint) {
        String e = endpoint.strip();
        if (e.startsWith("http://") || e.startsWith("https://")) {
            return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
        }
        return scheme + "://" + e;
    }
}
