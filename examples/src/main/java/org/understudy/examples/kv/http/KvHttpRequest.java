package org.understudy.examples.kv.http;

import java.util.Objects;
import java.util.Optional;

/**
 * One complete request as the API sees it, copied out of Netty's buffers (bodies are at most the
 * server's limit) so that routes, futures and the forwarder never touch reference-counted memory.
 *
 * @param method the request method, upper case as sent
 * @param rawPath the path as sent, still percent-encoded (forwarded as is)
 * @param rawQuery the query as sent, without {@code ?}; null when the URI has none
 * @param body the body bytes, empty when none
 * @param contentType the {@code Content-Type} header, or null
 * @param forwarded whether another member already forwarded this request ({@link KvHttpHeaders#FORWARDED})
 * @param requestId the client's {@link KvHttpHeaders#REQUEST_ID} for idempotent retries of writes
 */
record KvHttpRequest(String method, String rawPath, String rawQuery, byte[] body, String contentType, boolean forwarded,
        Optional<String> requestId) {

    KvHttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(requestId, "requestId");
    }

    /** {@code METHOD path?query}, for log lines and messages. */
    String describe() {
        return method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
    }
}
