package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.WAIT;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.count;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends far more than a slow handler can take: the server works on at most its
 * in-flight cap per connection and stops reading the rest, so what it holds stays small however
 * much the client sends; every call still completes.
 */
class RpcBackpressureTest {
    private static final int CAP = 8;
    private static final int CALLS = 2_000;
    private static final int PAYLOAD = 1024;

    private final RpcFixture fixture = new RpcFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    @Test
    void aSlowHandlerNeverSeesMoreThanTheCapAndTheServerStopsReading() throws Exception {
        ScheduledExecutorService slow = Executors.newSingleThreadScheduledExecutor();
        fixture.add(slow::shutdownNow);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger maxQueued = new AtomicInteger();
        AtomicReference<RpcServer> self = new AtomicReference<>();
        RpcServer server = fixture.server(b -> b.maxInFlightPerConnection(CAP), Map.of("slow", (ctx, request) -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            // sampled whenever a request is admitted: that is when the server holds the most
            maxInFlight.accumulateAndGet(self.get().inFlight(), Math::max);
            maxQueued.accumulateAndGet(self.get().queued(), Math::max);
            CompletableFuture<ByteString> answer = new CompletableFuture<>();
            slow.schedule(() -> {
                running.decrementAndGet();
                answer.complete(request.substring(0, 8));
            }, 2, TimeUnit.MILLISECONDS);
            return answer;
        }));
        self.set(server);
        RpcClient client = fixture.client(server);

        List<CompletableFuture<ByteString>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            byte[] payload = new byte[PAYLOAD];
            payload[0] = (byte) i;
            calls.add(client.call("slow", ByteString.copyFrom(payload), WAIT));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(maxRunning.get()).as("handlers running at once").isLessThanOrEqualTo(CAP);
        assertThat(maxInFlight.get()).as("requests in flight on the server").isLessThanOrEqualTo(CAP);
        // one 64 KiB read after the pause is all that can arrive: about 64 requests of 1 KiB
        assertThat(maxQueued.get()).as("requests read but waiting").isLessThan(100);
        assertThat(count(server, "paused")).as("times the server stopped reading").isPositive();
        assertThat(count(server, "calls", "method", "slow", "code", "OK")).isEqualTo(CALLS);
        await().atMost(WAIT).until(() -> server.inFlight() == 0 && server.queued() == 0);
    }
}
