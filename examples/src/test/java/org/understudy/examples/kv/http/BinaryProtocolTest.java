package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.MemberList;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.api.KvService.HealthView;
import org.understudy.examples.kv.client.KvOperation;
import org.understudy.examples.kv.client.RpcClientTransport;
import org.understudy.examples.kv.client.RpcMemberSource;
import org.understudy.examples.kv.http.FakeKvService.GetCall;
import org.understudy.examples.kv.http.FakeKvService.PutCall;
import org.understudy.examples.kv.rpc.proto.KvDeleteReply;
import org.understudy.examples.kv.rpc.proto.KvGetReply;
import org.understudy.examples.kv.rpc.proto.KvPutReply;

/**
 * raft-kv's binary protocol on the HTTP port (RAFT-KV.md: "detected from the first bytes"), through
 * the balancer's {@link RpcClientTransport}: the operations, the answers that are not errors
 * (absent key, failed compare-and-set), the typed failures, the probe and the member list, and
 * HTTP still served on the same port.
 */
class BinaryProtocolTest extends ServedApiTest {
    private final RpcClientTransport rpc = new RpcClientTransport();

    @AfterEach
    void closeTransport() {
        rpc.close();
    }

    private Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", server.localAddress().getPort());
    }

    private Reply send(KvOperation op, RequestKind kind, String requestId) throws Exception {
        TransportRequest request = new TransportRequest(ByteBuffer.wrap(op.encode()), kind, false,
                Optional.ofNullable(requestId), 1, 10_000);
        return rpc.send(endpoint(), request).get(20, TimeUnit.SECONDS);
    }

    private static byte[] ok(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Ok.class);
        return ((Reply.Ok) reply).payloadBytes();
    }

    @Test
    void putGetDeleteOverTheHttpPortWhileHttpKeepsWorking() throws Exception {
        KvPutReply put = KvPutReply.parseFrom(ok(send(KvOperation.put("greeting", "hello"), RequestKind.WRITE, "req-1")));
        assertThat(put.getSucceeded()).isTrue();
        assertThat(put.getRevision()).isEqualTo(1);
        assertThat(service.callsOf(PutCall.class)).containsExactly(
                new PutCall("greeting", "hello", OptionalLong.empty(), Optional.of("req-1")));

        KvGetReply got = KvGetReply.parseFrom(ok(send(KvOperation.get("greeting"), RequestKind.LINEARIZABLE_READ, null)));
        assertThat(got.getFound()).isTrue();
        assertThat(got.getValue().toStringUtf8()).isEqualTo("hello");
        assertThat(got.getRevision()).isEqualTo(1);
        send(KvOperation.get("greeting"), RequestKind.SERIALIZABLE_READ, null);
        assertThat(service.callsOf(GetCall.class)).extracting(GetCall::consistency)
                .containsExactly(Consistency.LINEARIZABLE, Consistency.SERIALIZABLE);

        // the same port still speaks HTTP, to the same store
        assertThat(client.get("/v1/kv/greeting").body()).isEqualTo("{\"key\":\"greeting\",\"value\":\"hello\",\"revision\":1}");

        KvDeleteReply deleted = KvDeleteReply.parseFrom(ok(send(KvOperation.delete("greeting"), RequestKind.WRITE, null)));
        assertThat(deleted.getDeleted()).isTrue();
        KvGetReply absent = KvGetReply.parseFrom(ok(send(KvOperation.get("greeting"), RequestKind.LINEARIZABLE_READ, null)));
        assertThat(absent.getFound()).as("an absent key is an answer, not an error").isFalse();
    }

    @Test
    void aFailedCompareAndSetIsAnAnswerWithTheCurrentRevision() throws Exception {
        ok(send(KvOperation.put("k", "v1"), RequestKind.WRITE, null));
        KvOperation cas = new KvOperation(KvOperation.Op.PUT, "k", "v2".getBytes(), OptionalLong.of(0));
        KvPutReply mismatch = KvPutReply.parseFrom(ok(send(cas, RequestKind.WRITE, null)));
        assertThat(mismatch.getSucceeded()).isFalse();
        assertThat(mismatch.getRevision()).isEqualTo(1);

        KvOperation good = new KvOperation(KvOperation.Op.PUT, "k", "v2".getBytes(), OptionalLong.of(1));
        assertThat(KvPutReply.parseFrom(ok(send(good, RequestKind.WRITE, null))).getSucceeded()).isTrue();
    }

    @Test
    void typedFailuresKeepTheirCodeAndTheLeaderHint() throws Exception {
        service.onPut = call -> CompletableFuture.failedFuture(FakeKvService.notLeader("00000000000000ab", "127.0.0.1:1"));
        Reply notLeader = send(KvOperation.put("k", "v"), RequestKind.WRITE, null);
        assertThat(notLeader).isEqualTo(new Reply.ServerError("NOT_LEADER", "this member is not the leader",
                Optional.of("00000000000000ab")));

        service.onGet = (k, c) -> CompletableFuture.failedFuture(new KvException(KvErrorCode.UNSUPPORTED_ON_LEARNER,
                "a learner serves serializable reads only"));
        assertThat(((Reply.ServerError) send(KvOperation.get("k"), RequestKind.LINEARIZABLE_READ, null)).code())
                .isEqualTo("UNSUPPORTED_ON_LEARNER");

        service.onDelete = k -> CompletableFuture.failedFuture(new KvException(KvErrorCode.UNAVAILABLE, "no quorum in time"));
        assertThat(send(KvOperation.delete("k"), RequestKind.WRITE, null))
                .as("UNAVAILABLE from the store is a server answer (the write may still commit), not a lost connection")
                .isEqualTo(new Reply.ServerError("UNAVAILABLE", "no quorum in time", Optional.empty()));

        // a bug in the store (an untyped exception) is answered at once, never a hung call; the RPC
        // layer cannot know whether the write happened, so the balancer is told "ambiguous"
        service.onDelete = k -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
        Reply bug = send(KvOperation.delete("k"), RequestKind.WRITE, null);
        assertThat(bug).isInstanceOf(Reply.ConnectionFailure.class);
        assertThat(((Reply.ConnectionFailure) bug).delivery()).isEqualTo(Reply.Delivery.AMBIGUOUS);
        assertThat(((Reply.ConnectionFailure) bug).message()).contains("IllegalStateException", "boom");
    }

    @Test
    void badRequestsAreRefusedWithBadRequest() throws Exception {
        Reply notUtf8 = send(new KvOperation(KvOperation.Op.PUT, "k", new byte[] {(byte) 0xff, (byte) 0xfe},
                OptionalLong.empty()), RequestKind.WRITE, null);
        assertThat(((Reply.ServerError) notUtf8).code()).isEqualTo("BAD_REQUEST");
        assertThat(((Reply.ServerError) notUtf8).message()).contains("UTF-8");

        byte[] big = new byte[KvHttpServerOptions.DEFAULT_MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        Reply tooBig = send(new KvOperation(KvOperation.Op.PUT, "k", big, OptionalLong.empty()), RequestKind.WRITE, null);
        assertThat(((Reply.ServerError) tooBig).code()).isEqualTo("BAD_REQUEST");
        assertThat(service.callsOf(PutCall.class)).isEmpty();
        // and the connection goes on serving
        assertThat(ok(send(KvOperation.put("k", "fine"), RequestKind.WRITE, null))).isNotEmpty();
    }

    @Test
    void theProbeAndTheMemberList() throws Exception {
        assertThat(rpc.probe(endpoint()).get(10, TimeUnit.SECONDS)).isInstanceOf(Reply.Ok.class);
        service.onHealth = () -> new HealthView(false, "no leader");
        Reply sick = rpc.probe(endpoint()).get(10, TimeUnit.SECONDS);
        assertThat(((Reply.ServerError) sick).code()).isEqualTo("UNAVAILABLE");
        assertThat(((Reply.ServerError) sick).message()).contains("no leader");

        MemberList list = new RpcMemberSource(rpc, Duration.ofSeconds(5))
                .fetch(List.of(Endpoint.of("127.0.0.1", 1), endpoint())).get(20, TimeUnit.SECONDS);
        assertThat(list.leaderId()).contains(FakeKvService.MEMBER.id());
        assertThat(list.revision()).isEqualTo(7);
        assertThat(list.members()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(FakeKvService.MEMBER.id());
            assertThat(m.name()).isEqualTo("n1");
            assertThat(m.learner()).isFalse();
        });
    }

    @Test
    void aServerWithoutTheBinaryProtocolRefusesItsClientsCleanly() throws Exception {
        KvHttpServer httpOnly = TestServers.start(service, KvHttpServerOptions.builder().binaryRpc(false));
        try {
            TransportRequest request = new TransportRequest(ByteBuffer.wrap(KvOperation.get("k").encode()),
                    RequestKind.LINEARIZABLE_READ, false, Optional.empty(), 1, 5_000);
            Reply reply = rpc.send(Endpoint.of("127.0.0.1", httpOnly.localAddress().getPort()), request)
                    .get(20, TimeUnit.SECONDS);
            assertThat(reply).isInstanceOf(Reply.ConnectionFailure.class);
            assertThat(new ApiClient(httpOnly).get("/v1/kv/none").status()).isEqualTo(404);
        } finally {
            httpOnly.close();
        }
    }
}
