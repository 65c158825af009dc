package org.understudy.examples.kv.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.understudy.client.balancer.Endpoint;

/**
 * Asks the balancer's candidates one after another, best first, until one answers: what both
 * member sources do with the list {@link org.understudy.client.balancer.spi.MemberSource#fetch} gets.
 */
final class CandidatesInTurn {
    private CandidatesInTurn() {}

    /**
     * @return the first answer, or a failure naming every candidate (caused by the last one's failure)
     */
    static <T> CompletableFuture<T> ask(List<Endpoint> candidates, Function<Endpoint, CompletableFuture<T>> question) {
        if (candidates.isEmpty()) {
            return CompletableFuture.failedFuture(new IOException("no endpoint to ask for the member list"));
        }
        return ask(List.copyOf(candidates), 0, null, question);
    }

    private static <T> CompletableFuture<T> ask(List<Endpoint> candidates, int i, Throwable last,
            Function<Endpoint, CompletableFuture<T>> question) {
        if (i >= candidates.size()) {
            IOException e = new IOException("none of " + candidates + " answered the member list");
            if (last != null) {
                e.initCause(last);
            }
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> answer;
        try {
            answer = question.apply(candidates.get(i));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((r, err) -> err == null ? CompletableFuture.completedFuture(r)
                        : ask(candidates, i + 1, err, question))
                .thenCompose(f -> f);
    }
}
