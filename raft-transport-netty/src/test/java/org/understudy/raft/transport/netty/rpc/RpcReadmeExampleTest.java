package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/** The README's RPC example, kept compiling and working: if this changes, change the README. */
class RpcReadmeExampleTest {

    @Test
    void aStoreServedOverRpc() {
        Map<ByteString, ByteString> store = new ConcurrentHashMap<>();
        boolean leader = true;
        long self = 1;
        long knownLeader = 2;

        RpcServer server = new RpcServer(RpcServerOptions.builder()
                .listen("127.0.0.1", 0)                                  // in production: .listen("10.0.0.1", 2379)
                .meterRegistry(new SimpleMeterRegistry())                // and .tls(TlsSettings.builder(chain, key, ca).build())
                .build(),
                Map.of("kv.get", (ctx, key) -> CompletableFuture.completedFuture(store.getOrDefault(key, ByteString.EMPTY)),
                       "kv.put", (ctx, entry) -> leader
                               ? CompletableFuture.completedFuture(put(store, entry))
                               : CompletableFuture.failedFuture(RaftException.notLeader(self, knownLeader))));
        try (server;
             RpcClient client = new RpcClient(RpcClientOptions.builder(server.address()).build())) {
            client.call("kv.put", ByteString.copyFromUtf8("greeting=hello"), Duration.ofSeconds(2)).join();
            ByteString value = client.call("kv.get", ByteString.copyFromUtf8("greeting"), Duration.ofSeconds(2)).join();
            assertThat(value.toStringUtf8()).isEqualTo("hello");

            assertThatThrownBy(() -> client.call("kv.delete", ByteString.EMPTY, Duration.ofSeconds(2)).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(RaftException.class)
                    .satisfies(e -> assertThat(((RaftException) e.getCause()).code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    private static ByteString put(Map<ByteString, ByteString> store, ByteString entry) {
        String[] kv = entry.toStringUtf8().split("=", 2);
        store.put(ByteString.copyFromUtf8(kv[0]), ByteString.copyFromUtf8(kv[1]));
        return ByteString.EMPTY;
    }
}
