package org.understudy.examples.kv.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * Reading and writing JSON with jackson-jr. Request bodies are untrusted, so the parser is strict:
 * duplicate keys, trailing content after the value, deep nesting and huge numbers or names are
 * refused (jackson-core's {@link StreamReadConstraints}; a body is at most the server's body limit
 * anyway). Every parse failure is a {@code BAD_REQUEST} with jackson's short message and the
 * position, never the body itself.
 */
final class Json {
    /** No request of this API nests deeper than an object holding an array. */
    private static final int MAX_NESTING = 16;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(32)
                    .maxNameLength(1024)
                    .build())
            .build();

    private static final JSON JR = JSON.builder(FACTORY).build();

    private Json() {}

    /** Writes maps, lists, strings, numbers, booleans and null as UTF-8 JSON. */
    static byte[] write(Object value) {
        try {
            return JR.asBytes(value);
        } catch (IOException e) {
            // only plain values are written here; failing means a bug, not bad input
            throw new UncheckedIOException("cannot write JSON", e);
        }
    }

    /**
     * Parses a body that must be exactly one JSON object.
     *
     * @throws KvException {@code BAD_REQUEST} naming what is wrong
     */
    static Map<String, Object> readObject(byte[] body) {
        Object value;
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() == null) {
                throw badRequest("the request body must be a JSON object, but it is empty");
            }
            value = JR.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw badRequest("the request body has content after its JSON object, at "
                        + position(parser.currentTokenLocation()));
            }
        } catch (JsonProcessingException e) {
            throw badRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (at " + position(e.getLocation()) + ")"));
        } catch (IOException e) {
            throw badRequest("the request body cannot be read as JSON: " + e.getMessage());
        }
        if (!(value instanceof Map)) {
            throw badRequest("the request body must be a JSON object, got " + JsonFields.typeName(value));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        return object;
    }

    private static String position(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static KvException badRequest(String message) {
        return new KvException(KvErrorCode.BAD_REQUEST, message);
    }
}
