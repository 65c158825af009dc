package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/** Every error code answers its status as JSON; unexpected failures answer a generic 503; unknown routes 404. */
class ErrorStatusTest extends ServedApiTest {
    @ParameterizedTest
    @EnumSource(KvErrorCode.class)
    void everyCodeAnswersItsStatusOnEveryRoute(KvErrorCode code) {
        // NOT_LEADER without a leader URL is not forwarded: the client sees it as 503
        service.failEverythingWith(new KvException(code, "it failed: " + code, Map.of("hint", "h")));
        String[][] requests = {
                {"PUT", "/v1/kv/k", "v"}, {"GET", "/v1/kv/k", ""}, {"DELETE", "/v1/kv/k", ""}, {"GET", "/v1/members", ""},
                {"POST", "/v1/members", "{\"name\":\"n\",\"peerUrls\":[\"h:1\"]}"}, {"POST", "/v1/members/ab/promote", ""},
                {"DELETE", "/v1/members/ab", ""}};
        for (String[] r : requests) {
            ApiClient.Reply reply = client.send(r[0], r[1], r[2]);
            assertThat(reply.status()).as(r[0] + " " + r[1]).isEqualTo(code.httpStatus());
            assertThat(reply.contentType()).isEqualTo("application/json");
            assertThat(reply.json()).as(r[0] + " " + r[1]).containsExactlyInAnyOrderEntriesOf(
                    Map.of("code", code.name(), "message", "it failed: " + code, "hint", "h"));
        }
    }

    @Test
    void statusesFollowRaftKvMd() {
        assertThat(Map.ofEntries(
                Map.entry(KvErrorCode.BAD_REQUEST, 400), Map.entry(KvErrorCode.UNSUPPORTED_ON_LEARNER, 403),
                Map.entry(KvErrorCode.KEY_NOT_FOUND, 404), Map.entry(KvErrorCode.MEMBER_NOT_FOUND, 404),
                Map.entry(KvErrorCode.CONF_CHANGE_IN_PROGRESS, 409), Map.entry(KvErrorCode.REVISION_MISMATCH, 412),
                Map.entry(KvErrorCode.LEARNER_NOT_READY, 412), Map.entry(KvErrorCode.NOT_A_LEARNER, 412),
                Map.entry(KvErrorCode.TOO_MANY_LEARNERS, 429), Map.entry(KvErrorCode.UNAVAILABLE, 503)))
                .allSatisfy((code, status) -> {
                    service.onPut = c -> CompletableFuture.failedFuture(new KvException(code, "x"));
                    assertThat(client.send("PUT", "/v1/kv/k", "v").status()).as(code.name()).isEqualTo(status);
                });
    }

    @Test
    void unexpectedFailuresAreAGeneric503WithoutTheStackTrace() {
        service.onPut = c -> CompletableFuture.failedFuture(new IllegalStateException("secret internal detail"));
        service.onGet = (k, c) -> {
            throw new NullPointerException("thrown, not returned");
        };
        service.onDelete = k -> null;
        service.onStatus = () -> {
            throw new IllegalArgumentException("status broke");
        };
        String[][] requests = {{"PUT", "/v1/kv/k"}, {"GET", "/v1/kv/k"}, {"DELETE", "/v1/kv/k"}, {"GET", "/v1/status"}};
        for (String[] r : requests) {
            ApiClient.Reply reply = client.send(r[0], r[1], "");
            assertThat(reply.status()).as(r[1]).isEqualTo(503);
            assertThat(reply.json()).as(r[1]).containsExactlyInAnyOrderEntriesOf(
                    Map.of("code", "UNAVAILABLE", "message", HttpErrors.INTERNAL_ERROR_MESSAGE));
            assertThat(reply.body()).doesNotContain("secret", "thrown", "broke", "Exception", "at org.");
        }
    }

    @Test
    void unknownRoutesAndWrongMethodsAre404NotFound() {
        for (String[] r : new String[][] {{"GET", "/"}, {"GET", "/v2/kv/k"}, {"GET", "/v1/kv"}, {"GET", "/v1/members/"},
                {"GET", "/v1/members/ab/demote"}, {"PATCH", "/v1/kv/k"}}) {
            ApiClient.Reply reply = client.send(r[0], r[1], "");
            assertThat(reply.status()).as(r[0] + " " + r[1]).isEqualTo(404);
            assertThat(reply.code()).isEqualTo("NOT_FOUND");
        }
        ApiClient.Reply wrongMethod = client.send("POST", "/v1/kv/k", "v");
        assertThat(wrongMethod.status()).isEqualTo(404);
        assertThat(wrongMethod.message()).contains("POST").contains("GET").contains("PUT").contains("DELETE");
        assertThat(client.send("PUT", "/v1/status", "").message()).contains("takes GET");
        assertThat(service.calls).isEmpty();
    }
}
