package org.understudy.examples.kv.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * The query parameters of one request, checked against what its route accepts. Unknown and
 * repeated parameters are refused: a typo such as {@code ?prev_revison=3} must not silently turn a
 * compare-and-set into an unconditional write.
 */
final class QueryParams {
    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code rawQuery} (null or empty: no parameters) and refuses any name not in {@code allowed}.
     *
     * @throws KvException {@code BAD_REQUEST}
     */
    static QueryParams parse(String rawQuery, Set<String> allowed) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryParams(Map.of());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue; // "a=1&&b=2" and a trailing "&" are harmless
            }
            int eq = pair.indexOf('=');
            String name = UriText.decodeQuery(eq < 0 ? pair : pair.substring(0, eq), "a query parameter name");
            String value = eq < 0 ? "" : UriText.decodeQuery(pair.substring(eq + 1), "query parameter " + name);
            if (!allowed.contains(name)) {
                throw bad("unknown query parameter \"" + name + "\""
                        + (allowed.isEmpty() ? " (this route takes none)" : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
            if (values.putIfAbsent(name, value) != null) {
                throw bad("query parameter \"" + name + "\" is given more than once");
            }
        }
        return new QueryParams(Collections.unmodifiableMap(values));
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A decimal integer {@code >= 0}, when present. */
    OptionalLong nonNegativeLong(String name) {
        String v = values.get(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        long parsed;
        try {
            parsed = v.isEmpty() || v.charAt(0) == '+' ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < 0) {
            throw bad("query parameter \"" + name + "\" must be a whole number >= 0, got \"" + v + "\"");
        }
        return OptionalLong.of(parsed);
    }

    private static KvException bad(String message) {
        return new KvException(KvErrorCode.BAD_REQUEST, message);
    }
}
