package org.understudy.examples.kv.http;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService;

/**
 * The whole HTTP API as one function, without Netty: a request in, a future answer out. Routes
 * call the {@link KvService}; a {@code NOT_LEADER} failure is forwarded once to the leader when
 * its client URL is known and the request was not forwarded already; every other failure becomes
 * its JSON error ({@link HttpErrors}). The future never fails.
 */
final class KvHttpApi {
    private final KvService service;
    private final RouteTable routes = new RouteTable();
    private final LeaderForwarder forwarder;

    KvHttpApi(KvService service, LeaderForwarder forwarder) {
        this.service = service;
        this.forwarder = forwarder;
        new KeyRoutes(service).register(routes);
        new MemberRoutes(service).register(routes);
        new NodeRoutes(service).register(routes);
    }

    /**
     * Serves {@code request}; {@code replies} (the connection's event loop) turns the store's
     * results into answers.
     */
    CompletableFuture<HttpReply> handle(KvHttpRequest request, Executor replies) {
        return routes.dispatch(request, replies)
                .handle((reply, failure) -> failure == null ? CompletableFuture.completedFuture(reply) : onFailure(request, failure))
                .thenCompose(reply -> reply)
                .exceptionally(failure -> HttpErrors.reply(failure, request));
    }

    private CompletableFuture<HttpReply> onFailure(KvHttpRequest request, Throwable failure) {
        if (Failures.unwrap(failure) instanceof KvException e && e.code() == KvErrorCode.NOT_LEADER && !request.forwarded()) {
            Optional<String> leaderUrl = detail(e, "leaderClientUrl").or(this::leaderClientUrlOfService);
            if (leaderUrl.isPresent()) {
                return forwarder.forward(request, leaderUrl.get(), detail(e, "leader").orElse(null));
            }
        }
        return CompletableFuture.completedFuture(HttpErrors.reply(failure, request));
    }

    private Optional<String> leaderClientUrlOfService() {
        try {
            return service.leaderClientUrl().filter(url -> !url.isBlank());
        } catch (RuntimeException e) {
            return Optional.empty(); // answering NOT_LEADER is still right
        }
    }

    private static Optional<String> detail(KvException e, String name) {
        return e.details().get(name) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }
}
