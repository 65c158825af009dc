package org.understudy.examples.kv.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * Failures as HTTP answers: {@code {"code","message", ...details}} with the status of the
 * {@link KvErrorCode}. A failure that is not a {@link KvException} is a bug somewhere behind the
 * API; the client gets a generic {@code UNAVAILABLE} (503: retrying elsewhere may work) and the
 * stack trace goes to the log at WARN, never onto the wire (it would leak internals and help
 * nobody calling the API).
 */
final class HttpErrors {
    private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

    static final String INTERNAL_ERROR_MESSAGE =
            "the server failed while handling the request; its log has the details (retrying may help)";

    private HttpErrors() {}

    static HttpReply reply(KvErrorCode code, String message) {
        return reply(new KvException(code, message));
    }

    static HttpReply reply(KvException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", e.code().name());
        body.put("message", e.getMessage() == null || e.getMessage().isBlank() ? e.code().name() : e.getMessage());
        // sorted, so that the same error always reads the same; code and message cannot be overridden
        new TreeMap<>(e.details()).forEach((k, v) -> {
            if (!body.containsKey(k)) {
                body.put(k, jsonValue(v));
            }
        });
        return HttpReply.json(e.code().httpStatus(), body);
    }

    /**
     * Maps any failure of a request to its answer ({@link CompletionException} and
     * {@link ExecutionException} unwrapped).
     *
     * @param request what was asked, for the log line of an unexpected failure
     */
    static HttpReply reply(Throwable failure, KvHttpRequest request) {
        Throwable cause = Failures.unwrap(failure);
        if (cause instanceof KvException e) {
            return reply(e);
        }
        log.warn("{} failed unexpectedly; answering {} {}", request == null ? "a request" : request.describe(),
                KvErrorCode.UNAVAILABLE.httpStatus(), KvErrorCode.UNAVAILABLE, cause);
        return reply(KvErrorCode.UNAVAILABLE, INTERNAL_ERROR_MESSAGE);
    }

    /** Details hold plain values; anything else is written as its string, never as a reflected bean. */
    private static Object jsonValue(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(HttpErrors::jsonValue).toList();
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> copy = new TreeMap<>();
            map.forEach((k, x) -> copy.put(String.valueOf(k), jsonValue(x)));
            return copy;
        }
        return String.valueOf(v);
    }
}
