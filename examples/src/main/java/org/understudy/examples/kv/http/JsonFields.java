package org.understudy.examples.kv.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * Typed access to the fields of a parsed JSON request object. Every violation is a
 * {@code BAD_REQUEST} whose message names the field, so a client can fix its request without
 * reading the server's code: unknown fields are refused (a typo such as {@code "lerner"} must not
 * silently turn into the default), missing required fields and wrong types (including JSON null)
 * too.
 */
final class JsonFields {
    private final Map<String, Object> object;

    private JsonFields(Map<String, Object> object) {
        this.object = object;
    }

    /** Reads {@code body} as a JSON object that may hold only the {@code allowed} fields. */
    static JsonFields parse(byte[] body, Set<String> allowed) {
        Map<String, Object> object = Json.readObject(body);
        for (String name : object.keySet()) {
            if (!allowed.contains(name)) {
                throw badRequest("unknown field \"" + name + "\" (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return new JsonFields(object);
    }

    /** A non-empty string. */
    String requiredString(String field) {
        Object v = required(field);
        if (!(v instanceof String s)) {
            throw wrongType(field, "a string", v);
        }
        if (s.isBlank()) {
            throw badRequest("field \"" + field + "\" must not be empty");
        }
        return s;
    }

    /** A non-empty array of non-empty strings. */
    List<String> requiredStringList(String field) {
        Object v = required(field);
        if (!(v instanceof List<?> list)) {
            throw wrongType(field, "an array of strings", v);
        }
        if (list.isEmpty()) {
            throw badRequest("field \"" + field + "\" must hold at least one entry");
        }
        List<String> strings = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof String s) || s.isBlank()) {
                throw badRequest("field \"" + field + "\"[" + i + "] must be a non-empty string, got " + typeName(item));
            }
            strings.add(s);
        }
        return List.copyOf(strings);
    }

    Optional<Boolean> optionalBoolean(String field) {
        if (!object.containsKey(field)) {
            return Optional.empty();
        }
        Object v = object.get(field);
        if (!(v instanceof Boolean b)) {
            throw wrongType(field, "true or false", v);
        }
        return Optional.of(b);
    }

    private Object required(String field) {
        if (!object.containsKey(field)) {
            throw badRequest("missing field \"" + field + "\"");
        }
        return object.get(field);
    }

    private static KvException wrongType(String field, String expected, Object got) {
        return badRequest("field \"" + field + "\" must be " + expected + ", got " + typeName(got));
    }

    /** The JSON type of a value jackson-jr read, for messages. */
    static String typeName(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof String) {
            return "a string";
        } else if (v instanceof Number) {
            return "a number";
        } else if (v instanceof Boolean) {
            return "a boolean";
        } else if (v instanceof List || v instanceof Object[]) {
            return "an array";
        } else if (v instanceof Map) {
            return "an object";
        }
        return v.getClass().getSimpleName();
    }

    private static KvException badRequest(String message) {
        return new KvException(KvErrorCode.BAD_REQUEST, message);
    }
}
