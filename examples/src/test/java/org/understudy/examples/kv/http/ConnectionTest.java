package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.api.KvService.GetResult;

/** Connection-level behaviour: keep-alive, pipelining order, body limit, malformed input, isolation. */
class ConnectionTest extends ServedApiTest {
    @Test
    void severalRequestsShareOneKeepAliveConnection() {
        for (int i = 0; i < 5; i++) {
            assertThat(client.send("PUT", "/v1/kv/k" + i, "v").status()).isEqualTo(200);
            assertThat(client.send("POST", "/v1/members", "{bad").status()).isEqualTo(400); // a refusal keeps it open too
            assertThat(client.get("/v1/kv/k" + i).status()).isEqualTo(200);
        }
        assertThat(server.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        CompletableFuture<GetResult> slow = new CompletableFuture<>();
        service.onGet = (key, c) -> key.equals("slow") ? slow
                : CompletableFuture.completedFuture(new GetResult(key, ByteString.copyFromUtf8("fast"), 2));
        try (RawHttp raw = new RawHttp(server)) {
            raw.write("GET /v1/kv/slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/kv/fast HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.setReadTimeoutMillis(300);
            assertThatThrownBy(raw::read).as("nothing may overtake the slow answer").isInstanceOf(SocketTimeoutException.class);
            raw.setReadTimeoutMillis(10_000);
            slow.complete(new GetResult("slow", ByteString.copyFromUtf8("late"), 1));
            assertThat(raw.read().body()).contains("\"key\":\"slow\"");
            assertThat(raw.read().body()).contains("\"key\":\"fast\"");
            assertThat(raw.read().body()).contains("\"role\":\"leader\"");
        }
    }

    @Test
    void aBodyOverTheLimitIs413AndTheServerGoesOn() {
        byte[] huge = new byte[KvHttpServerOptions.DEFAULT_MAX_BODY_BYTES + 1];
        Arrays.fill(huge, (byte) 'x');
        ApiClient.Reply reply = client.send("PUT", "/v1/kv/big", huge);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.contentType()).isEqualTo("application/json");
        assertThat(reply.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(reply.json()).containsEntry("maxBodyBytes", KvHttpServerOptions.DEFAULT_MAX_BODY_BYTES);
        assertThat(service.calls).isEmpty();

        byte[] atTheLimit = Arrays.copyOf(huge, KvHttpServerOptions.DEFAULT_MAX_BODY_BYTES);
        assertThat(client.send("PUT", "/v1/kv/big", atTheLimit).status()).isEqualTo(200);
    }

    @Test
    void aTooLargeBodyIsAnsweredThenTheConnectionClosesCleanly() throws Exception {
        KvHttpServer small = TestServers.start(service, KvHttpServerOptions.builder().maxBodyBytes(1000));
        try (RawHttp raw = new RawHttp(small)) {
            // a request before it on the same connection is answered first and normally
            raw.write("PUT /v1/kv/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
            raw.write("PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            raw.write("y".repeat(5000));
            assertThat(raw.read().status()).isEqualTo(200);
            RawHttp.Response tooLarge = raw.read();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.headers()).containsEntry("connection", "close");
            assertThat(tooLarge.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"").contains("1000 bytes");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(small)) { // chunked: the limit is found while the body arrives
            raw.write("PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                raw.write("258\r\n" + "z".repeat(600) + "\r\n");
            }
            raw.write("0\r\n\r\n");
            RawHttp.Response tooLarge = raw.read();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(raw.closedByServer()).isTrue();
        } finally {
            small.close();
        }
        assertThat(service.callsOf(FakeKvService.PutCall.class)).extracting(FakeKvService.PutCall::key).containsExactly("ok");
    }

    @Test
    void expectContinueIsHonouredAndAnUnknownExpectationIgnored() throws Exception {
        KvHttpServer small = TestServers.start(service, KvHttpServerOptions.builder().maxBodyBytes(1000));
        try (RawHttp raw = new RawHttp(small)) {
            raw.write("PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(100);
            raw.write("ok");
            assertThat(raw.read().status()).isEqualTo(200);
            raw.write("PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\nok");
            assertThat(raw.read().status()).isEqualTo(200);
            // too large: answered at once, before the body is sent, so the client never sends it
            raw.write("PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
            RawHttp.Response tooLarge = raw.read();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("PAYLOAD_TOO_LARGE");
            assertThat(raw.closedByServer()).isTrue();
        } finally {
            small.close();
        }
    }

    @Test
    void aSharedEventLoopGroupOutlivesTheServer() {
        var io = org.understudy.raft.transport.netty.peer.IoKind.NIO;
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.handlerFactory());
        try {
            KvHttpServer shared = TestServers.start(service, KvHttpServerOptions.builder().eventLoops(group, io));
            assertThat(new ApiClient(shared).get("/health").status()).isEqualTo(200);
            shared.close();
            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void malformedHttpIsAnswered400AndClosedWhileOthersAreServed() throws Exception {
        CompletableFuture<GetResult> never = new CompletableFuture<>();
        service.onGet = (key, c) -> key.equals("hang") ? never : CompletableFuture.failedFuture(new AssertionError());
        try (RawHttp hanging = new RawHttp(server)) {
            hanging.write("GET /v1/kv/hang HTTP/1.1\r\nHost: x\r\n\r\n"); // stays in flight throughout
            for (String garbage : new String[] {"NOT HTTP AT ALL\r\n\r\n", "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n",
                    "PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"}) {
                try (RawHttp raw = new RawHttp(server)) {
                    raw.write(garbage);
                    RawHttp.Response reply = raw.read();
                    assertThat(reply.status()).as(garbage).isEqualTo(400);
                    assertThat(reply.body()).contains("\"code\":\"BAD_REQUEST\"").contains("malformed HTTP request");
                    assertThat(raw.closedByServer()).isTrue();
                }
                assertThat(client.get("/v1/status").status()).isEqualTo(200);
            }
            assertThat(never).isNotDone();
        }
    }

    @Test
    void connectionCloseIsHonouredAndHttp10Works() throws Exception {
        try (RawHttp raw = new RawHttp(server)) {
            raw.write("GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(raw.read().headers()).containsEntry("connection", "close");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(server)) {
            raw.write("GET /health HTTP/1.0\r\n\r\n");
            RawHttp.Response reply = raw.read();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        KvHttpServer impatient = TestServers.start(service, KvHttpServerOptions.builder().idleTimeout(java.time.Duration.ofMillis(200)));
        try (RawHttp raw = new RawHttp(impatient)) {
            raw.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(200);
            assertThat(raw.closedByServer()).isTrue(); // within the read timeout of 10 s
        } finally {
            impatient.close();
        }
    }

    @Test
    void closeStopsEverything() throws Exception {
        KvHttpServer other = TestServers.start(service);
        RawHttp open = new RawHttp(other);
        open.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(open.read().status()).isEqualTo(200);
        assertThat(other.openConnections()).isEqualTo(1);
        long start = System.nanoTime();
        other.close();
        other.close(); // idempotent
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
        assertThat(open.closedByServer()).isTrue();
        open.close();
        assertThatThrownBy(() -> new RawHttp(other)).isInstanceOf(java.io.IOException.class);
    }
}
