package org.understudy.examples.kv.client;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.InvalidEndpointException;
import org.understudy.client.balancer.Member;
import org.understudy.client.balancer.MemberList;
import org.understudy.client.balancer.spi.MemberSource;

/**
 * client-balancer's {@link MemberSource} over raft-kv's {@code GET /v1/members}: every member with
 * its hex id, name, client URLs and learner flag, and the leader's id. Asks the candidates in the
 * balancer's order until one answers {@code 200}. The list's {@code revision} (the answering
 * member's last applied membership change) orders lists; without it (an older server) the balancer
 * orders them by fetch start.
 */
public final class HttpMemberSource implements MemberSource {
    private final HttpClient client;
    private final String scheme;
    private final Duration timeout;

    /** Plain HTTP with an own client; each candidate gets {@code timeout} to answer. */
    public HttpMemberSource(Duration timeout) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build(),
                "http", timeout);
    }

    public HttpMemberSource(HttpClient client, String scheme, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public CompletableFuture<MemberList> fetch(List<Endpoint> candidates) {
        return CandidatesInTurn.ask(candidates, ep -> {
            String host = ep.host().indexOf(':') >= 0 ? "[" + ep.host() + "]" : ep.host();
            HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + ep.port() + "/v1/members"))
                    .timeout(timeout).GET().build();
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(ep + " answered the member list with HTTP " + response.statusCode());
                }
                return parse(response.body());
            });
        });
    }

    /** {@code {"leader":ID,"members":[{"id","name","clientUrls","learner",...}]}} to a {@link MemberList}. */
    static MemberList parse(byte[] body) {
        Map<String, Object> json;
        try {
            json = JSON.std.mapFrom(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the member list is not JSON: " + e.getMessage(), e);
        }
        List<Member> members = new ArrayList<>();
        if (json.get("members") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m) || m.get("id") == null) {
                    throw new IllegalArgumentException("a member without an id in the member list");
                }
                List<Endpoint> endpoints = new ArrayList<>();
                if (m.get("clientUrls") instanceof List<?> urls) {
                    for (Object url : urls) {
                        try {
                            endpoints.add(Endpoint.parse(String.valueOf(url)));
                        } catch (InvalidEndpointException e) {
                            // an unusable URL is no route; the member is still listed (with its learner flag)
                        }
                    }
                }
                members.add(new Member(String.valueOf(m.get("id")), KvHttpReplies.text(m.get("name")).orElse(""),
                        endpoints, Boolean.TRUE.equals(m.get("learner"))));
            }
        }
        Optional<String> leader = KvHttpReplies.text(json.get("leader")).filter(s -> !s.isBlank());
        long revision = json.get("revision") instanceof Number n && n.longValue() > 0 ? n.longValue()
                : MemberList.UNKNOWN_REVISION; // a server without the field: order by fetch start
        return new MemberList(members, leader, revision);
    }
}
