package org.understudy.examples.kv.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.understudy.examples.kv.api.KvService;
import org.understudy.examples.kv.api.KvService.MemberView;

/**
 * {@code /v1/members}: list, add ({@code {"name","peerUrls":[..],"learner":true}}, a learner
 * unless {@code "learner":false}), promote and remove. Member ids are hex strings in paths and
 * bodies.
 */
final class MemberRoutes {
    private static final Set<String> ADD_FIELDS = Set.of("name", "peerUrls", "learner");

    private final KvService service;

    MemberRoutes(KvService service) {
        this.service = service;
    }

    void register(RouteTable table) {
        table.add("GET", "/v1/members", this::list);
        table.add("POST", "/v1/members", this::add);
        table.add("POST", "/v1/members/{id}/promote", this::promote);
        table.add("DELETE", "/v1/members/{id}", this::remove);
        table.add("PUT", "/v1/members/{id}/client-url", this::publishClientUrl);
    }

    private CompletableFuture<HttpReply> list(KvHttpRequest request, List<String> params, Executor replies) {
        Requests.requireNoQueryNoBody(request);
        return service.members().thenApplyAsync(view -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leader", view.leader());
            body.put("members", view.members().stream().map(MemberRoutes::member).toList());
            body.put("revision", view.revision());
            return HttpReply.json(200, body);
        }, replies);
    }

    private CompletableFuture<HttpReply> add(KvHttpRequest request, List<String> params, Executor replies) {
        QueryParams.parse(request.rawQuery(), Set.of());
        JsonFields fields = JsonFields.parse(request.body(), ADD_FIELDS);
        String name = fields.requiredString("name");
        List<String> peerUrls = fields.requiredStringList("peerUrls");
        boolean learner = fields.optionalBoolean("learner").orElse(true);
        return service.addMember(name, peerUrls, learner).thenApplyAsync(added -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("member", member(added.member()));
            body.put("initialCluster", added.initialCluster());
            return HttpReply.json(201, body);
        }, replies);
    }

    private CompletableFuture<HttpReply> promote(KvHttpRequest request, List<String> params, Executor replies) {
        long id = memberId(params);
        Requests.requireNoQueryNoBody(request);
        return service.promote(id).thenApplyAsync(m -> HttpReply.json(200, Map.of("member", member(m))), replies);
    }

    private CompletableFuture<HttpReply> remove(KvHttpRequest request, List<String> params, Executor replies) {
        long id = memberId(params);
        Requests.requireNoQueryNoBody(request);
        return service.removeMember(id).thenApplyAsync(ignored -> HttpReply.json(200, Map.of()), replies);
    }

    /** A member advertising where it serves clients (body: {@code host:port}); see {@link KvService#publishClientUrl}. */
    private CompletableFuture<HttpReply> publishClientUrl(KvHttpRequest request, List<String> params, Executor replies) {
        long id = memberId(params);
        QueryParams.parse(request.rawQuery(), Set.of());
        String url = new String(request.body(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (url.isEmpty()) {
            throw new org.understudy.examples.kv.api.KvException(org.understudy.examples.kv.api.KvErrorCode.BAD_REQUEST,
                    "the body must be the member's client address, host:port");
        }
        return service.publishClientUrl(id, url).thenApplyAsync(ignored -> HttpReply.json(200, Map.of()), replies);
    }

    private static long memberId(List<String> params) {
        return MemberIds.parse(UriText.decodePath(params.get(0), "the member id"));
    }

    /** One member as RAFT-KV.md shows it. */
    static Map<String, Object> member(MemberView m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", m.id());
        json.put("name", m.name());
        json.put("peerUrls", m.peerUrls());
        json.put("clientUrls", m.clientUrls());
        json.put("learner", m.learner());
        json.put("matchIndex", m.matchIndex());
        json.put("lag", m.lag());
        return json;
    }
}
