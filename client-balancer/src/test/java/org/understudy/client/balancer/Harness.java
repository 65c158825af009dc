package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.understudy.client.balancer.routing.MemberView;

/** A balancer over a {@link FakeCluster} on a {@link ManualScheduler}: everything on the test thread. */
final class Harness implements AutoCloseable {

    final ManualScheduler scheduler = new ManualScheduler();
    final FakeCluster cluster;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final long seed;
    ClientBalancer balancer;
    private int tags;

    Harness(long seed, int voters) {
        this.seed = seed;
        this.cluster = FakeCluster.ofVoters(scheduler, new Random(seed), voters);
    }

    Harness start() {
        return start(b -> b);
    }

    /** Builds the balancer (member source and transport: the fake) and lets the first sync land. */
    Harness start(UnaryOperator<BalancerBuilder> tweak) {
        BalancerBuilder b = ClientBalancer.builder()
                .transport(cluster)
                .memberSource(cluster)
                .seedEndpoints(cluster.endpoints())
                .scheduler(scheduler)
                .random(new Random(seed))
                .meterRegistry(registry)
                .clientName("test");
        balancer = tweak.apply(b).build();
        cluster.balancerView = balancer::members;
        scheduler.advance(20);
        return this;
    }

    String tag(String prefix) {
        return prefix + "-" + (++tags);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    CompletableFuture<Response> submit(Request.Builder r) {
        return balancer.submit(r.build());
    }

    /** Advances time in small steps until {@code f} is done (at most a minute of fake time). */
    <T> T await(CompletableFuture<T> f) {
        for (int i = 0; i < 60_000 && !f.isDone(); i++) {
            scheduler.advance(1);
        }
        assertThat(f).as("completes within a minute of fake time").isDone();
        return f.join();
    }

    Response ok(Request.Builder r) {
        return await(submit(r));
    }

    BalancerException failure(CompletableFuture<Response> f) {
        for (int i = 0; i < 60_000 && !f.isDone(); i++) {
            scheduler.advance(1);
        }
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(BalancerException.class);
            return (BalancerException) e.getCause();
        }
    }

    MemberView sync() {
        return await(balancer.syncNow());
    }

    @Override
    public void close() {
        if (balancer != null) {
            balancer.close();
        }
    }
}
