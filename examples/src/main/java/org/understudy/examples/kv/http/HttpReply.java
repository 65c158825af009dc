package org.understudy.examples.kv.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One HTTP answer, independent of Netty: status, content type, body, and whether the connection
 * must close after it (a request whose framing cannot be trusted any more, or a body over the limit).
 * The routes, the error mapping and the forwarder produce these; only the connection handler turns
 * them into Netty responses, on the channel's event loop.
 */
record HttpReply(int status, String contentType, byte[] body, boolean closeConnection) {
    static final String JSON = "application/json";
    /** The content type Prometheus' text exposition format asks for. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    HttpReply {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
    }

    /** A JSON answer: {@code value} is written with {@link Json#write}. */
    static HttpReply json(int status, Object value) {
        return new HttpReply(status, JSON, Json.write(value), false);
    }

    static HttpReply text(int status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** The same answer, but the connection closes once it is written. */
    HttpReply thenClose() {
        return closeConnection ? this : new HttpReply(status, contentType, body, true);
    }
}
