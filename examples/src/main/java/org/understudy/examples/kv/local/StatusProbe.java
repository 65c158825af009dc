package org.understudy.examples.kv.local;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a member for its {@code GET /v1/status} over plain HTTP. A member that does not answer (not
 * started yet, stopping, killed) or answers something else than 200 gives {@link Optional#empty()}:
 * callers poll, and a member that is down is an ordinary state for them.
 */
public final class StatusProbe {
    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout per request */
    public StatusProbe(Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    /** The status of the member at {@code endpoint} ({@code host:port}), if it answered. */
    public Optional<MemberStatus> status(String endpoint) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + endpoint + "/v1/status"))
                .timeout(timeout).GET().build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(MemberStatus.fromJson(JSON.std.mapFrom(r.body())));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
