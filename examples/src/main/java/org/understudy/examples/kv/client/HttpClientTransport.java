package org.understudy.examples.kv.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;

/**
 * client-balancer's {@link ClientTransport} over raft-kv's HTTP/JSON API (RAFT-KV.md): a payload
 * written by {@link KvOperation#encode()} becomes {@code PUT}, {@code GET} or
 * {@code DELETE /v1/kv/{key}} (a serializable read with {@code ?consistency=serializable}, an
 * expected revision with {@code ?prev_revision=R}), the request id travels in
 * {@code X-Understudy-Request-Id} on every attempt, and the answer becomes a {@link Reply}
 * ({@link KvHttpReplies}). {@link #probe} is {@code GET /health}.
 *
 * <p>Never blocks: {@link HttpClient#sendAsync}, with the attempt's timeout as the request timeout.
 */
public final class HttpClientTransport implements ClientTransport {
    static final String REQUEST_ID_HEADER = "X-Understudy-Request-Id";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient client;
    private final String scheme;

    /** Plain HTTP with an own client (HTTP/1.1, keep-alive, 2 s connect timeout). */
    public HttpClientTransport() {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build(),
                "http");
    }

    /** @param scheme {@code http} or {@code https} (give {@code client} an SSLContext for the latter) */
    public HttpClientTransport(HttpClient client, String scheme) {
        this.client = Objects.requireNonNull(client, "client");
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme must be http or https, got " + scheme);
        }
        this.scheme = scheme;
    }

    @Override
    public CompletableFuture<Reply> send(Endpoint endpoint, TransportRequest request) {
        KvOperation op;
        try {
            op = KvOperation.decode(request.payloadBytes());
        } catch (IllegalArgumentException e) {
            // The caller's bug, the same on every endpoint: a final answer, never a retry.
            return CompletableFuture.completedFuture(Reply.error("BAD_REQUEST", e.getMessage()));
        }
        HttpRequest.Builder http = HttpRequest.newBuilder(uri(endpoint, op, request.kind()))
                .timeout(Duration.ofMillis(Math.max(1, request.timeoutMillis())));
        switch (op.op()) {
            case PUT -> http.PUT(HttpRequest.BodyPublishers.ofByteArray(op.value()));
            case GET -> http.GET();
            case DELETE -> http.DELETE();
        }
        request.requestId().ifPresent(id -> http.header(REQUEST_ID_HEADER, id));
        return exchange(http.build());
    }

    @Override
    public CompletableFuture<Reply> probe(Endpoint endpoint) {
        return exchange(HttpRequest.newBuilder(URI.create(base(endpoint) + "/health")).timeout(PROBE_TIMEOUT).GET().build());
    }

    private CompletableFuture<Reply> exchange(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, failure) -> failure != null ? KvHttpReplies.ofFailure(failure)
                        : KvHttpReplies.of(response));
    }

    private URI uri(Endpoint endpoint, KvOperation op, RequestKind kind) {
        StringBuilder uri = new StringBuilder(base(endpoint)).append("/v1/kv/").append(escapePath(op.key()));
        if (op.op() == KvOperation.Op.GET && kind == RequestKind.SERIALIZABLE_READ) {
            uri.append("?consistency=serializable");
        } else if (op.op() == KvOperation.Op.PUT && op.prevRevision().isPresent()) {
            uri.append("?prev_revision=").append(op.prevRevision().getAsLong());
        }
        return URI.create(uri.toString());
    }

    private String base(Endpoint endpoint) {
        String host = endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host();
        return scheme + "://" + host + ":" + endpoint.port();
    }

    /** Percent-encodes everything but unreserved characters and {@code /} (keys may hold slashes). */
    static String escapePath(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
