package org.understudy.examples.kv.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A member's request to the leader to publish its client URL: one
 * {@code PUT /v1/members/{id}/client-url} to the leader's HTTP API, with the URL as the body. A member that is wrong
 * about who leads reaches a member that forwards it (or answers {@code NOT_LEADER}); either way the
 * publisher asks again later, so a failure here needs no handling beyond a retry. With TLS files the
 * request goes over https, as every call between members' client ports does ({@link ClientPortTls}).
 */
final class ClientUrlRelay {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Optional<KvConfig.TlsFiles> tls;
    private final String scheme;
    private HttpClient client;

    /** @param tls the member's TLS files, if any */
    ClientUrlRelay(Optional<KvConfig.TlsFiles> tls) {
        this.tls = tls;
        this.scheme = ClientPortTls.scheme(tls);
    }

    /**
     * Asks the member serving clients at {@code leaderClientUrl} to put {@code clientUrl} into the
     * record of member {@code memberId}. Completes when the leader has applied it; fails with an
     * {@link IOException} naming the status and the leader's answer otherwise.
     */
    CompletableFuture<Void> publish(String leaderClientUrl, long memberId, String clientUrl) {
        HttpRequest request;
        HttpClient http;
        try {
            http = client();
            HostPort leader = HostPort.parse(leaderClientUrl, "the leader's client URL");
            request = HttpRequest.newBuilder(URI.create(scheme + "://" + leader + "/v1/members/" + Long.toHexString(memberId) + "/client-url"))
                    .timeout(TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofString(HostPort.parse(clientUrl, "client URL").toString(),
                            StandardCharsets.UTF_8))
                    .build();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new java.util.concurrent.CompletionException(new IOException("the leader at "
                                + leaderClientUrl + " answered " + response.statusCode() + ": " + response.body()));
                    }
                    return null;
                });
    }

    /** Built on first use: a member that leads from the start never needs one. */
    private synchronized HttpClient client() {
        if (client == null) {
            client = ClientPortTls.memberClient(tls, Duration.ofSeconds(3));
        }
        return client;
    }
}
