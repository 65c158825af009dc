package org.understudy.examples.kv.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * Sends a request this member cannot serve (its store answered {@code NOT_LEADER}) to the leader's
 * client URL, once, and relays the leader's status, content type and body as they are. The copy
 * carries {@link KvHttpHeaders#FORWARDED}, so the leader (or a member that wrongly believes another
 * leads) never forwards it again: one hop at most, no loops.
 *
 * <p>Uses {@link HttpClient#sendAsync}, so no event loop waits for the leader. When the leader
 * cannot be reached or does not answer in time, the client gets 503 {@code UNAVAILABLE} naming the
 * leader it tried: retrying later (or elsewhere) is the right reaction.
 */
final class LeaderForwarder {
    private static final Logger log = LoggerFactory.getLogger(LeaderForwarder.class);

    private final HttpClient client;
    private final String scheme;
    private final Duration timeout;

    LeaderForwarder(HttpClient client, String scheme, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Forwards {@code request} to {@code leaderClientUrl} ({@code host:port}, an {@code http://} or
     * {@code https://} prefix is dropped). The future never fails: a failure is its 503 answer.
     *
     * @param leaderId the leader's hex id, for messages (may be null)
     */
    CompletableFuture<HttpReply> forward(KvHttpRequest request, String leaderClientUrl, String leaderId) {
        String hostPort = stripScheme(leaderClientUrl);
        String leader = "the leader" + (leaderId == null || leaderId.isEmpty() ? "" : " " + leaderId) + " at " + hostPort;
        HttpRequest copy;
        try {
            copy = copyOf(request, hostPort);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(unavailable(request, leader, leaderClientUrl, leaderId,
                    "its client URL is not usable (" + e.getMessage() + ")"));
        }
        return client.sendAsync(copy, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new HttpReply(response.statusCode(),
                        response.headers().firstValue("Content-Type").orElse(HttpReply.JSON), response.body(), false))
                .exceptionally(failure -> unavailable(request, leader, leaderClientUrl, leaderId,
                        describe(Failures.unwrap(failure))));
    }

    private HttpRequest copyOf(KvHttpRequest request, String hostPort) {
        String target = scheme + "://" + hostPort + UriText.escapeForUri(request.rawPath())
                + (request.rawQuery() == null ? "" : "?" + UriText.escapeForUri(request.rawQuery()));
        HttpRequest.Builder copy = HttpRequest.newBuilder(URI.create(target))
                .timeout(timeout)
                .header(KvHttpHeaders.FORWARDED, "1")
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.contentType() != null) {
            copy.header("Content-Type", request.contentType());
        }
        request.requestId().ifPresent(id -> copy.header(KvHttpHeaders.REQUEST_ID, id));
        return copy.build();
    }

    private static HttpReply unavailable(KvHttpRequest request, String leader, String leaderClientUrl, String leaderId,
            String why) {
        log.warn("{}: this member is not the leader, and forwarding to {} failed: {}", request.describe(), leader, why);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("leaderClientUrl", leaderClientUrl);
        if (leaderId != null && !leaderId.isEmpty()) {
            details.put("leader", leaderId);
        }
        return HttpErrors.reply(new KvException(KvErrorCode.UNAVAILABLE, "this member is not the leader, and forwarding the "
                + "request to " + leader + " failed: " + why + "; retry later or ask the leader directly", details));
    }

    static String stripScheme(String url) {
        String u = url.trim();
        for (String prefix : new String[] {"http://", "https://"}) {
            if (u.regionMatches(true, 0, prefix, 0, prefix.length())) {
                u = u.substring(prefix.length());
            }
        }
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    private String describe(Throwable t) {
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (t instanceof java.net.ConnectException) {
            return "cannot connect (" + (t.getMessage() == null ? "refused or unreachable" : t.getMessage()) + ")";
        }
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null || t.getMessage().isBlank() ? name : name + ": " + t.getMessage();
    }
}
