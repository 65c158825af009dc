package org.understudy.examples.kv.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.understudy.examples.kv.api.KvErrorCode;

/**
 * Matches {@code METHOD /path} to a {@link RouteHandler}. Patterns are slash-separated segments
 * where {@code {name}} matches one segment and a final {@code {name...}} matches the rest of the
 * path, slashes included (so keys may contain {@code /}).
 *
 * <p>An unknown path and a known path with a method it does not take are both answered 404
 * {@code NOT_FOUND}: RAFT-KV.md and {@link KvErrorCode} have no code for 405, and one rule is
 * easier for clients than two. The message of the second names the methods the path takes.
 */
final class RouteTable {
    private record Route(String method, String pattern, List<String> segments, boolean restParam, RouteHandler handler) {}

    private record Match(Route route, List<String> params) {}

    private final List<Route> routes = new ArrayList<>();

    RouteTable add(String method, String pattern, RouteHandler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a pattern starts with '/': " + pattern);
        }
        List<String> segments = List.of(pattern.substring(1).split("/", -1));
        boolean rest = segments.get(segments.size() - 1).endsWith("...}");
        routes.add(new Route(method, pattern, segments, rest, handler));
        return this;
    }

    /** Runs the matching route; never throws: a refusal or a throwing handler is a failed future. */
    CompletableFuture<HttpReply> dispatch(KvHttpRequest request, Executor replies) {
        Set<String> methodsOfPath = new LinkedHashSet<>();
        String patternOfPath = null;
        for (Route route : routes) {
            List<String> params = match(route, request.rawPath());
            if (params == null) {
                continue;
            }
            if (route.method().equals(request.method())) {
                return run(new Match(route, params), request, replies);
            }
            methodsOfPath.add(route.method());
            patternOfPath = route.pattern();
        }
        String message = methodsOfPath.isEmpty()
                ? "no route for " + request.method() + " " + shortPath(request.rawPath()) + " (see RAFT-KV.md for the API)"
                : request.method() + " is not served on " + patternOfPath + "; it takes " + String.join(", ", methodsOfPath);
        return CompletableFuture.completedFuture(HttpErrors.reply(KvErrorCode.NOT_FOUND, message));
    }

    private static CompletableFuture<HttpReply> run(Match match, KvHttpRequest request, Executor replies) {
        try {
            CompletableFuture<HttpReply> reply = match.route().handler().handle(request, match.params(), replies);
            return reply != null ? reply
                    : CompletableFuture.failedFuture(new IllegalStateException(match.route().pattern() + " returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The path parameters when {@code path} matches, else null. */
    private static List<String> match(Route route, String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        List<String> segments = route.segments();
        int fixed = route.restParam() ? segments.size() - 1 : segments.size();
        if (route.restParam() ? parts.length < segments.size() : parts.length != segments.size()) {
            return null;
        }
        List<String> params = new ArrayList<>(2);
        for (int i = 0; i < fixed; i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{")) {
                params.add(parts[i]);
            } else if (!segment.equals(parts[i])) {
                return null;
            }
        }
        if (route.restParam()) {
            params.add(String.join("/", java.util.Arrays.asList(parts).subList(fixed, parts.length)));
        }
        return params;
    }

    private static String shortPath(String path) {
        return path.length() <= 80 ? path : path.substring(0, 80) + "...";
    }
}
