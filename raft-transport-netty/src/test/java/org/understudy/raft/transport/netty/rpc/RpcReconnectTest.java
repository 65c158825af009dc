package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.ECHO;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.WAIT;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.bytes;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.failure;
import static org.understudy.raft.transport.netty.rpc.RpcFixture.result;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/** A server that goes away and comes back: calls in flight fail with an unknown outcome, the client reconnects. */
class RpcReconnectTest {
    private final RpcFixture fixture = new RpcFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    private static final Map<String, RpcHandler> HANDLERS = Map.of("echo", ECHO,
            "hang", (ctx, request) -> new CompletableFuture<>());

    @Test
    void aServerRestartFailsCallsInFlightAsUnknownAndTheClientReconnects() throws Exception {
        RpcServer first = new RpcServer(RpcServerOptions.builder().listen("127.0.0.1", 0).build(), HANDLERS);
        int port = first.localAddress().getPort();
        RpcClient client = fixture.client(first);
        assertThat(result(client.call("echo", bytes("before"), WAIT))).isEqualTo("before");
        List<CompletableFuture<ByteString>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(client.call("hang", bytes("h" + i), WAIT));
        }
        await().atMost(WAIT).until(() -> first.inFlight() == 3);

        first.close();

        for (CompletableFuture<ByteString> call : inFlight) {
            RaftException e = failure(call);
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("connection to 127.0.0.1:" + port + " was lost", "'hang'",
                    "the outcome is unknown", "retry only if the call is idempotent");
            assertThat(e.details()).containsEntry("outcome", "unknown");
        }
        assertThat(client.isConnected()).isFalse();

        RaftException down = failure(client.call("echo", bytes("nobody there"), WAIT));
        assertThat(down.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(down.details()).containsEntry("outcome", "not-sent");
        assertThat(down.getMessage()).contains("127.0.0.1:" + port, "not sent");

        RpcServer second = fixture.add(new RpcServer(RpcServerOptions.builder().listen("127.0.0.1", port).build(),
                HANDLERS));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() ->
                client.call("echo", bytes("after"), WAIT).get(10, TimeUnit.SECONDS).toStringUtf8().equals("after"));
        assertThat(client.isConnected()).isTrue();
        assertThat(second.connections()).isEqualTo(1);
    }

    @Test
    void afterAFailedConnectCallsFailFastUntilTheBackoffHasPassed() throws Exception {
        RpcServer gone = new RpcServer(RpcServerOptions.builder().listen("127.0.0.1", 0).build(), HANDLERS);
        String address = gone.address();
        gone.close();
        RpcClient client = fixture.add(new RpcClient(RpcClientOptions.builder(address)
                .reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build()));

        RaftException refused = failure(client.call("echo", bytes("1"), WAIT));
        assertThat(refused.getMessage()).startsWith("cannot connect to " + address);
        long start = System.nanoTime();
        RaftException fast = failure(client.call("echo", bytes("2"), WAIT));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(fast.getMessage()).startsWith("not connected to " + address).contains("tries again");
        assertThat(fast.details()).containsEntry("outcome", "not-sent");
    }
}
