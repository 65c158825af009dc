package org.understudy.examples.kv.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.understudy.examples.kv.api.KvService;
import org.understudy.examples.kv.api.KvService.HealthView;
import org.understudy.examples.kv.api.KvService.StatusView;

/**
 * What one member says about itself, from local state and never forwarded: {@code /v1/status},
 * {@code /health} (200 healthy, 503 not, both JSON) and {@code /metrics} (Prometheus text, the only
 * answer that is not JSON).
 */
final class NodeRoutes {
    private final KvService service;

    NodeRoutes(KvService service) {
        this.service = service;
    }

    void register(RouteTable table) {
        table.add("GET", "/v1/status", this::status);
        table.add("GET", "/health", this::health);
        table.add("GET", "/metrics", this::metrics);
    }

    private CompletableFuture<HttpReply> status(KvHttpRequest request, List<String> params, Executor replies) {
        Requests.requireNoQueryNoBody(request);
        StatusView s = service.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", s.id());
        body.put("name", s.name());
        body.put("role", s.role());
        body.put("term", s.term());
        body.put("leader", s.leader());
        body.put("commitIndex", s.commitIndex());
        body.put("appliedIndex", s.appliedIndex());
        body.put("lastIndex", s.lastIndex());
        body.put("learner", s.learner());
        return CompletableFuture.completedFuture(HttpReply.json(200, body));
    }

    private CompletableFuture<HttpReply> health(KvHttpRequest request, List<String> params, Executor replies) {
        Requests.requireNoQueryNoBody(request);
        HealthView h = service.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("healthy", h.healthy());
        if (!h.healthy()) {
            body.put("reason", h.reason() == null || h.reason().isBlank() ? "unhealthy" : h.reason());
        }
        return CompletableFuture.completedFuture(HttpReply.json(h.healthy() ? 200 : 503, body));
    }

    private CompletableFuture<HttpReply> metrics(KvHttpRequest request, List<String> params, Executor replies) {
        Requests.requireNoQueryNoBody(request);
        return CompletableFuture.completedFuture(HttpReply.text(200, HttpReply.PROMETHEUS_TEXT, service.metricsText()));
    }
}
