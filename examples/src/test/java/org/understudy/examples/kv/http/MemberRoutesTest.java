package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.http.FakeKvService.AddCall;
import org.understudy.examples.kv.http.FakeKvService.PromoteCall;
import org.understudy.examples.kv.http.FakeKvService.RemoveCall;

/** {@code /v1/members}: list, add (strict JSON), promote and remove with hex ids. */
class MemberRoutesTest extends ServedApiTest {
    private static final String MEMBER_JSON = "{\"id\":\"8e9e05c52164694d\",\"name\":\"n1\",\"peerUrls\":[\"127.0.0.1:2380\"],"
            + "\"clientUrls\":[\"127.0.0.1:2379\"],\"learner\":false,\"matchIndex\":42,\"lag\":0}";


    @Test
    void listShowsLeaderAndMembers() {
        ApiClient.Reply reply = client.get("/v1/members");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"leader\":\"8e9e05c52164694d\",\"members\":[" + MEMBER_JSON + "],\"revision\":7}");
    }

    @Test
    void addIsALearnerUnlessSaidOtherwise() {
        ApiClient.Reply added = client.send("POST", "/v1/members", "{\"name\":\"n4\",\"peerUrls\":[\"127.0.0.1:2410\"]}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body()).isEqualTo("{\"member\":{\"id\":\"00000000000000ab\",\"name\":\"n4\",\"peerUrls\":[\"127.0.0.1:2410\"],"
                + "\"clientUrls\":[],\"learner\":true,\"matchIndex\":0,\"lag\":0},"
                + "\"initialCluster\":\"n1=127.0.0.1:2380,n4=127.0.0.1:2410\"}");

        client.send("POST", "/v1/members", "{\"name\":\"n5\",\"peerUrls\":[\"h:1\",\"h:2\"],\"learner\":false}");
        client.send("POST", "/v1/members", "{\"learner\":true,\"peerUrls\":[\"h:3\"],\"name\":\"n6\"}");
        assertThat(service.callsOf(AddCall.class)).containsExactly(
                new AddCall("n4", List.of("127.0.0.1:2410"), true),
                new AddCall("n5", List.of("h:1", "h:2"), false),
                new AddCall("n6", List.of("h:3"), true));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "{| not valid JSON",
            "[]| must be a JSON object",
            "\"n4\"| must be a JSON object",
            "''| empty",
            "{\"name\":\"n4\",\"peerUrls\":[\"h:1\"]} {}| content after",
            "{\"name\":\"n4\",\"peerUrls\":[\"h:1\"],\"lerner\":true}| \"lerner\"",
            "{\"peerUrls\":[\"h:1\"]}| missing field \"name\"",
            "{\"name\":\"n4\"}| missing field \"peerUrls\"",
            "{\"name\":4,\"peerUrls\":[\"h:1\"]}| \"name\" must be a string, got a number",
            "{\"name\":null,\"peerUrls\":[\"h:1\"]}| \"name\" must be a string, got null",
            "{\"name\":\" \",\"peerUrls\":[\"h:1\"]}| \"name\" must not be empty",
            "{\"name\":\"n4\",\"peerUrls\":\"h:1\"}| \"peerUrls\" must be an array of strings, got a string",
            "{\"name\":\"n4\",\"peerUrls\":[]}| \"peerUrls\" must hold at least one",
            "{\"name\":\"n4\",\"peerUrls\":[\"h:1\",7]}| \"peerUrls\"[1] must be a non-empty string, got a number",
            "{\"name\":\"n4\",\"peerUrls\":[\"h:1\"],\"learner\":\"yes\"}| \"learner\" must be true or false, got a string",
            "{\"name\":\"n4\",\"name\":\"n5\",\"peerUrls\":[\"h:1\"]}| Duplicate field 'name'",
            "{\"name\":\"n4\",\"peerUrls\":[[[[[[[[[[[[[[[[[[[[\"h\"]]]]]]]]]]]]]]]]]]]}| not valid JSON",
    })
    void badAddBodiesAreRefusedNamingTheProblem(String body, String messagePart) {
        ApiClient.Reply reply = client.send("POST", "/v1/members", body);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("BAD_REQUEST");
        assertThat(reply.message()).contains(messagePart);
        assertThat(service.calls).isEmpty();
    }

    @Test
    void promoteTakesAHexId() {
        ApiClient.Reply reply = client.send("POST", "/v1/members/8E9E05C52164694D/promote", "");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"member\":" + MEMBER_JSON + "}");
        client.send("POST", "/v1/members/ab/promote", "");
        client.send("POST", "/v1/members/ffffffffffffffff/promote", "");
        assertThat(service.callsOf(PromoteCall.class)).extracting(PromoteCall::id)
                .containsExactly(0x8e9e05c52164694dL, 0xabL, -1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "0", "00000000", "12345678901234567", "-1", "0x1f"})
    void badMemberIdsAreRefused(String id) {
        for (var reply : List.of(client.send("POST", "/v1/members/" + id + "/promote", ""),
                client.send("DELETE", "/v1/members/" + id, ""))) {
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.code()).isEqualTo("BAD_REQUEST");
            assertThat(reply.message()).contains("member id").contains(id);
        }
        assertThat(service.calls).isEmpty();
    }

    @Test
    void promoteRefusalsCarryTheirDetails() {
        service.onPromote = id -> CompletableFuture.failedFuture(new KvException(KvErrorCode.LEARNER_NOT_READY,
                "learner n4 is 1200 entries behind", Map.of("lag", 1200L, "reason", "lag")));
        ApiClient.Reply notReady = client.send("POST", "/v1/members/ab/promote", "");
        assertThat(notReady.status()).isEqualTo(412);
        assertThat(notReady.body()).isEqualTo("{\"code\":\"LEARNER_NOT_READY\",\"message\":\"learner n4 is 1200 entries behind\","
                + "\"lag\":1200,\"reason\":\"lag\"}");

        service.onPromote = id -> CompletableFuture.failedFuture(new KvException(KvErrorCode.NOT_A_LEARNER, "n1 is a voter"));
        assertThat(client.send("POST", "/v1/members/ab/promote", "").status()).isEqualTo(412);
        assertThat(client.send("POST", "/v1/members/ab/promote", "{\"x\":1}").status()).isEqualTo(400);
    }

    @Test
    void removeAnswersAnEmptyObject() {
        ApiClient.Reply removed = client.send("DELETE", "/v1/members/00000000000000ab", "");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.body()).isEqualTo("{}");
        assertThat(service.callsOf(RemoveCall.class)).containsExactly(new RemoveCall(0xab));

        service.onRemove = id -> CompletableFuture.failedFuture(new KvException(KvErrorCode.MEMBER_NOT_FOUND, "no member ab"));
        ApiClient.Reply missing = client.send("DELETE", "/v1/members/ab", "");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("MEMBER_NOT_FOUND");
    }
}
