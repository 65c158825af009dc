package org.understudy.examples.kv.client;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;

/**
 * Wraps a transport and records every send per endpoint, with whether the member serving that
 * endpoint was a learner at that moment (asked of the test's view of the cluster, not of the
 * balancer), and every reply code.
 */
final class RecordingTransport implements ClientTransport {
    record Send(Endpoint endpoint, long atNanos, boolean toLearner, String kind) {}

    private final ClientTransport inner;
    private final Predicate<Endpoint> isLearnerNow;
    final List<Send> sends = new CopyOnWriteArrayList<>();
    final Map<String, Integer> replies = new ConcurrentHashMap<>();

    RecordingTransport(ClientTransport inner, Predicate<Endpoint> isLearnerNow) {
        this.inner = inner;
        this.isLearnerNow = isLearnerNow;
    }

    @Override
    public CompletableFuture<Reply> send(Endpoint endpoint, TransportRequest request) {
        sends.add(new Send(endpoint, System.nanoTime(), isLearnerNow.test(endpoint), request.kind().name()));
        return inner.send(endpoint, request).whenComplete((r, e) -> replies.merge(code(r), 1, Integer::sum));
    }

    @Override
    public CompletableFuture<Reply> probe(Endpoint endpoint) {
        return inner.probe(endpoint);
    }

    long sendsTo(Set<Endpoint> endpoints) {
        return sends.stream().filter(s -> endpoints.contains(s.endpoint())).count();
    }

    private static String code(Reply r) {
        if (r instanceof Reply.Ok) {
            return "OK";
        }
        if (r instanceof Reply.ServerError e) {
            return e.code();
        }
        return r instanceof Reply.ConnectionFailure c ? c.delivery().name() : "NONE";
    }
}
