package org.understudy.examples.kv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.MemberList;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;
import org.understudy.examples.kv.node.TestPorts;

/** The adapters' pure parts: payloads, path escaping, reply and failure mapping, member list parsing. */
class HttpAdaptersTest {

    @Test
    void operationsRoundTripThroughThePayload() {
        KvOperation put = new KvOperation(KvOperation.Op.PUT, "a/b c", "välue".getBytes(StandardCharsets.UTF_8),
                OptionalLong.of(7));
        KvOperation back = KvOperation.decode(put.encode());
        assertThat(back.op()).isEqualTo(KvOperation.Op.PUT);
        assertThat(back.key()).isEqualTo("a/b c");
        assertThat(new String(back.value(), StandardCharsets.UTF_8)).isEqualTo("välue");
        assertThat(back.prevRevision()).hasValue(7);
        assertThat(KvOperation.decode(KvOperation.delete("k").encode()).op()).isEqualTo(KvOperation.Op.DELETE);
        assertThatThrownBy(() -> KvOperation.decode(new byte[] {9, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvOperation.decode(new byte[] {1, 0, 0, 0, 0x7f})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreEscapedButKeepTheirSlashes() {
        assertThat(HttpClientTransport.escapePath("a/b c?d%é")).isEqualTo("a/b%20c%3Fd%25%C3%A9");
    }

    @Test
    void failuresAreNotSentOnlyWhenNoConnectionWasMade() {
        assertThat(KvHttpReplies.ofFailure(new CompletionException(new ConnectException("refused"))))
                .isInstanceOfSatisfying(Reply.ConnectionFailure.class,
                        f -> assertThat(f.delivery()).isEqualTo(Reply.Delivery.NOT_SENT));
        assertThat(KvHttpReplies.ofFailure(new HttpTimeoutException("request timed out")))
                .isInstanceOfSatisfying(Reply.ConnectionFailure.class,
                        f -> assertThat(f.delivery()).isEqualTo(Reply.Delivery.AMBIGUOUS));
        assertThat(KvHttpReplies.ofFailure(new java.io.IOException("connection reset")))
                .isInstanceOfSatisfying(Reply.ConnectionFailure.class,
                        f -> assertThat(f.delivery()).isEqualTo(Reply.Delivery.AMBIGUOUS));
    }

    @Test
    void aClosedPortIsNotSentAndABadPayloadIsFinal() throws Exception {
        HttpClientTransport t = new HttpClientTransport();
        Endpoint closed = Endpoint.of("127.0.0.1", TestPorts.free());
        TransportRequest put = new TransportRequest(java.nio.ByteBuffer.wrap(KvOperation.put("k", "v").encode()),
                RequestKind.WRITE, false, java.util.Optional.of("id-1"), 1, 2_000);
        assertThat(t.send(closed, put).get()).isInstanceOfSatisfying(Reply.ConnectionFailure.class,
                f -> assertThat(f.delivery()).isEqualTo(Reply.Delivery.NOT_SENT));
        TransportRequest junk = new TransportRequest(java.nio.ByteBuffer.wrap(new byte[] {42}), RequestKind.WRITE, false,
                java.util.Optional.empty(), 1, 2_000);
        assertThat(t.send(closed, junk).get()).isInstanceOfSatisfying(Reply.ServerError.class,
                e -> assertThat(e.code()).isEqualTo("BAD_REQUEST"));
    }

    @Test
    void theMemberListKeepsLearnersLeaderAndClientUrls() {
        String json = """
                {"leader":"a1","members":[
                 {"id":"a1","name":"n1","peerUrls":["127.0.0.1:1"],"clientUrls":["127.0.0.1:2379"],"learner":false,"matchIndex":5,"lag":0},
                 {"id":"b2","name":"n2","peerUrls":["127.0.0.1:3"],"clientUrls":[],"learner":false,"matchIndex":5,"lag":0},
                 {"id":"c3","name":"n4","peerUrls":["127.0.0.1:4"],"clientUrls":["http://127.0.0.1:2479"],"learner":true,"matchIndex":1,"lag":4}]}
                """;
        MemberList list = HttpMemberSource.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(list.leaderId()).hasValue("a1");
        assertThat(list.revision()).as("no revision field: an older server").isEqualTo(MemberList.UNKNOWN_REVISION);
        assertThat(list.members()).extracting(m -> m.id() + ":" + m.learner() + ":" + m.clientEndpoints())
                .containsExactly("a1:false:[127.0.0.1:2379]", "b2:false:[]", "c3:true:[127.0.0.1:2479]");
        String withRevision = json.strip().replaceFirst("\\}$", ",\"revision\":12}");
        assertThat(HttpMemberSource.parse(withRevision.getBytes(StandardCharsets.UTF_8)).revision()).isEqualTo(12);
    }
}
