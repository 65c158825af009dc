package org.understudy.examples.kv.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The work of one route: from a request and its path parameters (still percent-encoded) to an answer. */
@FunctionalInterface
interface RouteHandler {
    /**
     * May throw a {@code KvException} for a request it refuses (checked before anything is asked of
     * the store); the table turns that, and any other throw, into a failed future.
     *
     * @param replies where to turn the store's results into answers: the connection's event loop,
     *     not whatever thread completed the store's future (e.g. the Raft apply thread, which should
     *     not spend its time encoding JSON)
     */
    CompletableFuture<HttpReply> handle(KvHttpRequest request, List<String> pathParams, Executor replies);
}
