package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.client.balancer.spi.Reply;

/**
 * The default scheduler (a real daemon thread) and a transport answering on its own threads,
 * with many callers at once: everything completes, nothing reaches the learner, close stops it.
 */
class ClientBalancerThreadedTest {

    @Test
    void manyConcurrentCallersOnRealThreads() throws Exception {
        Endpoint a = Endpoint.of("a", 1);
        Endpoint b = Endpoint.of("b", 1);
        Endpoint learner = Endpoint.of("l", 1);
        Map<Endpoint, AtomicInteger> hits = new ConcurrentHashMap<>();
        ExecutorService io = Executors.newFixedThreadPool(2);
        ClientTransport transport = (e, r) -> CompletableFuture.supplyAsync(() -> {
            hits.computeIfAbsent(e, x -> new AtomicInteger()).incrementAndGet();
            if (r.kind() == RequestKind.WRITE && !e.equals(a)) {
                return Reply.notLeader("a", "not the leader");
            }
            return Reply.ok(r.payloadBytes());
        }, io);
        MemberSource source = candidates -> CompletableFuture.completedFuture(MemberList.of(3, "a",
                Member.voter("a", a), Member.voter("b", b), Member.learner("l", learner)));
        ClientBalancer balancer = ClientBalancer.builder().transport(transport).memberSource(source)
                .seedEndpoints(List.of(a)).build();
        try {
            balancer.syncNow().get(5, TimeUnit.SECONDS);
            List<CompletableFuture<Response>> all = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                byte[] p = ("p" + i).getBytes(StandardCharsets.UTF_8);
                all.add(balancer.submit((i % 3 == 0 ? Request.write(p) : Request.linearizableRead(p)).build()));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(all).allMatch(f -> !f.isCompletedExceptionally());
            assertThat(hits).doesNotContainKey(learner).containsKeys(a, b);
            assertThat(balancer.inFlight()).isZero();
        } finally {
            balancer.close();
            io.shutdownNow();
        }
        assertThat(balancer.submit(Request.linearizableRead(new byte[0]).build()))
                .isCompletedExceptionally();
    }
}
