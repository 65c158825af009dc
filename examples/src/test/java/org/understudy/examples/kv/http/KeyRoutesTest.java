package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.http.FakeKvService.DeleteCall;
import org.understudy.examples.kv.http.FakeKvService.GetCall;
import org.understudy.examples.kv.http.FakeKvService.PutCall;

/** {@code PUT|GET|DELETE /v1/kv/{key}}: shapes exactly as RAFT-KV.md, parameters, keys and values. */
class KeyRoutesTest extends ServedApiTest {
    @Test
    void putThenGetThenDelete() {
        ApiClient.Reply put = client.send("PUT", "/v1/kv/greeting", "hello");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.contentType()).isEqualTo("application/json");
        assertThat(put.body()).isEqualTo("{\"revision\":1}");

        ApiClient.Reply get = client.get("/v1/kv/greeting");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("{\"key\":\"greeting\",\"value\":\"hello\",\"revision\":1}");

        assertThat(client.send("DELETE", "/v1/kv/greeting", "").body()).isEqualTo("{\"revision\":2,\"deleted\":true}");
        assertThat(client.send("DELETE", "/v1/kv/greeting", "").body()).isEqualTo("{\"revision\":3,\"deleted\":false}");

        ApiClient.Reply absent = client.get("/v1/kv/greeting");
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.code()).isEqualTo("KEY_NOT_FOUND");
    }

    @Test
    void putPassesPrevRevisionAndRequestId() {
        assertThat(client.send("PUT", "/v1/kv/k?prev_revision=0", "v1", KvHttpHeaders.REQUEST_ID, "req-1").status())
                .isEqualTo(200);
        assertThat(service.callsOf(PutCall.class)).containsExactly(
                new PutCall("k", "v1", OptionalLong.of(0), Optional.of("req-1")));

        ApiClient.Reply mismatch = client.send("PUT", "/v1/kv/k?prev_revision=0", "v2");
        assertThat(mismatch.status()).isEqualTo(412);
        assertThat(mismatch.json()).containsEntry("code", "REVISION_MISMATCH").containsEntry("revision", 1);

        assertThat(client.send("PUT", "/v1/kv/k?prev_revision=1", "v2").body()).isEqualTo("{\"revision\":2}");
        assertThat(client.send("PUT", "/v1/kv/k", "v3").status()).isEqualTo(200);
        assertThat(service.callsOf(PutCall.class).get(3).prevRevision()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "/v1/kv/k?prev_revision=-1, prev_revision",
            "/v1/kv/k?prev_revision=abc, prev_revision",
            "/v1/kv/k?prev_revision=, prev_revision",
            "/v1/kv/k?prev_revision=99999999999999999999, prev_revision",
            "/v1/kv/k?prev_revision=1&prev_revision=2, prev_revision",
            "/v1/kv/k?prev_revison=1, prev_revison",
            "/v1/kv/k?consistency=serializable, consistency",
    })
    void badPutQueryIsRefusedNamingTheParameter(String pathAndQuery, String named) {
        ApiClient.Reply reply = client.send("PUT", pathAndQuery, "v");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("BAD_REQUEST");
        assertThat(reply.message()).contains(named);
        assertThat(service.calls).isEmpty();
    }

    @Test
    void getConsistency() {
        client.send("PUT", "/v1/kv/k", "v");
        assertThat(client.get("/v1/kv/k").status()).isEqualTo(200);
        assertThat(client.get("/v1/kv/k?consistency=serializable").status()).isEqualTo(200);
        assertThat(client.get("/v1/kv/k?consistency=linearizable").status()).isEqualTo(200);
        assertThat(service.callsOf(GetCall.class)).extracting(GetCall::consistency)
                .containsExactly(Consistency.LINEARIZABLE, Consistency.SERIALIZABLE, Consistency.LINEARIZABLE);

        ApiClient.Reply bad = client.get("/v1/kv/k?consistency=stale");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.message()).contains("consistency").contains("stale");
    }

    @Test
    void keysArePercentDecodedAndMayHoldSlashes() {
        client.send("PUT", "/v1/kv/a%2Fb", "1");
        client.send("PUT", "/v1/kv/dir/x", "2");
        client.send("PUT", "/v1/kv/caf%C3%A9+x", "3");
        assertThat(service.callsOf(PutCall.class)).extracting(PutCall::key).containsExactly("a/b", "dir/x", "café+x");
        assertThat(client.get("/v1/kv/a/b").json()).containsEntry("key", "a/b").containsEntry("value", "1");
    }

    @ParameterizedTest
    @CsvSource({"/v1/kv/, empty", "/v1/kv/%ZZ, hex", "/v1/kv/%FF, UTF-8", "/v1/kv/ab%4, hex"})
    void badKeysAreRefused(String path, String messagePart) throws Exception {
        // by hand: the JDK client refuses to send a broken escape
        try (RawHttp raw = new RawHttp(server)) {
            raw.write("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nv");
            RawHttp.Response reply = raw.read();
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.body()).contains("\"code\":\"BAD_REQUEST\"").contains("key").contains(messagePart);
        }
        assertThat(service.calls).isEmpty();
    }

    @Test
    void valuesAreUtf8Text() {
        String value = "ünïcödé ✓ \"quoted\" \n line";
        client.send("PUT", "/v1/kv/u", value);
        assertThat(client.get("/v1/kv/u").json()).containsEntry("value", value);

        ApiClient.Reply invalid = client.send("PUT", "/v1/kv/u", new byte[] {'a', (byte) 0xC3, (byte) 0x28});
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.message()).contains("UTF-8");

        assertThat(client.send("PUT", "/v1/kv/empty", "").status()).isEqualTo(200);
        assertThat(client.get("/v1/kv/empty").json()).containsEntry("value", "");
    }

    @Test
    void deletePassesRequestIdAndTakesNoQueryOrBody() {
        client.send("DELETE", "/v1/kv/k", "", KvHttpHeaders.REQUEST_ID, "del-7");
        assertThat(service.callsOf(DeleteCall.class)).containsExactly(new DeleteCall("k", Optional.of("del-7")));
        assertThat(client.send("DELETE", "/v1/kv/k?force=true", "").status()).isEqualTo(400);
        assertThat(client.send("DELETE", "/v1/kv/k", "body").status()).isEqualTo(400);
        assertThat(client.send("GET", "/v1/kv/k", "body").message()).contains("no body");
    }

    @Test
    void malformedRequestIdIsRefused() {
        ApiClient.Reply reply = client.send("PUT", "/v1/kv/k", "v", KvHttpHeaders.REQUEST_ID, "x".repeat(129));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message()).contains(KvHttpHeaders.REQUEST_ID);
        assertThat(service.calls).isEmpty();
    }
}
