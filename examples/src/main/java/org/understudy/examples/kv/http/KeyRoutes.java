package org.understudy.examples.kv.http;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService;
import org.understudy.examples.kv.api.KvService.Consistency;

/**
 * {@code PUT|GET|DELETE /v1/kv/{key}}. The key is the rest of the path, percent-decoded (so it may
 * contain {@code /}); the value of a PUT is the raw body, which must be UTF-8 (RAFT-KV.md: values
 * are UTF-8 strings, and GET returns them inside JSON).
 */
final class KeyRoutes {
    static final String PATTERN = "/v1/kv/{key...}";
    private static final String PREV_REVISION = "prev_revision";
    private static final String CONSISTENCY = "consistency";

    private final KvService service;

    KeyRoutes(KvService service) {
        this.service = service;
    }

    void register(RouteTable table) {
        table.add("PUT", PATTERN, this::put);
        table.add("GET", PATTERN, this::get);
        table.add("DELETE", PATTERN, this::delete);
    }

    private CompletableFuture<HttpReply> put(KvHttpRequest request, List<String> params, Executor replies) {
        String key = key(params);
        OptionalLong prevRevision = QueryParams.parse(request.rawQuery(), Set.of(PREV_REVISION)).nonNegativeLong(PREV_REVISION);
        ByteString value = utf8Value(request.body());
        return service.put(key, value, prevRevision, request.requestId())
                .thenApplyAsync(r -> HttpReply.json(200, Map.of("revision", r.revision())), replies);
    }

    private CompletableFuture<HttpReply> get(KvHttpRequest request, List<String> params, Executor replies) {
        String key = key(params);
        Consistency consistency = consistency(QueryParams.parse(request.rawQuery(), Set.of(CONSISTENCY)));
        Requests.requireNoBody(request);
        return service.get(key, consistency).thenApplyAsync(r -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("key", r.key());
            // stored values were checked to be UTF-8 when written, so nothing is replaced here
            body.put("value", r.value().toStringUtf8());
            body.put("revision", r.revision());
            return HttpReply.json(200, body);
        }, replies);
    }

    private CompletableFuture<HttpReply> delete(KvHttpRequest request, List<String> params, Executor replies) {
        String key = key(params);
        QueryParams.parse(request.rawQuery(), Set.of());
        Requests.requireNoBody(request);
        return service.delete(key, request.requestId()).thenApplyAsync(r -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("revision", r.revision());
            body.put("deleted", r.deleted());
            return HttpReply.json(200, body);
        }, replies);
    }

    private static String key(List<String> params) {
        String key = UriText.decodePath(params.get(0), "the key");
        if (key.isEmpty()) {
            throw new KvException(KvErrorCode.BAD_REQUEST, "the key must not be empty: use /v1/kv/{key}");
        }
        return key;
    }

    private static Consistency consistency(QueryParams query) {
        String v = query.get(CONSISTENCY).orElse("linearizable");
        return switch (v) {
            case "linearizable" -> Consistency.LINEARIZABLE;
            case "serializable" -> Consistency.SERIALIZABLE;
            default -> throw new KvException(KvErrorCode.BAD_REQUEST,
                    "query parameter \"consistency\" must be serializable or linearizable, got \"" + v + "\"");
        };
    }

    private static ByteString utf8Value(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new KvException(KvErrorCode.BAD_REQUEST, "the value (the request body) must be UTF-8 text");
        }
        return ByteString.copyFrom(body);
    }
}
