package org.understudy.examples.kv.http;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The JDK's HTTP client aimed at one server, as the tests' client of the API. */
final class ApiClient {
    /** One answer; {@link #json()} parses the body. */
    record Reply(int status, String contentType, String body) {
        Map<String, Object> json() {
            try {
                return JSON.std.mapFrom(body);
            } catch (IOException e) {
                throw new AssertionError("not a JSON object: " + body, e);
            }
        }

        String code() {
            return (String) json().get("code");
        }

        String message() {
            return (String) json().get("message");
        }
    }

    private final HttpClient http;
    private final String base;

    ApiClient(String scheme, String address, HttpClient http) {
        this.http = http;
        this.base = scheme + "://" + address;
    }

    ApiClient(KvHttpServer server) {
        this("http", server.address(), plainClient());
    }

    static HttpClient plainClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, new byte[0]);
    }

    Reply send(String method, String pathAndQuery, String body, String... headers) {
        return send(method, pathAndQuery, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Reply send(String method, String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
