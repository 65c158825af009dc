package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: bad HTTP requests against a real server process (unknown route, bad JSON, missing
 * fields, bad parameters, a body over the limit, bytes that are not HTTP) get 4xx JSON errors with
 * a code and a message, and the server keeps serving: after each one a write and a read succeed.
 */
class BadHttpRequestsTest extends ProcessClusterTestBase {
    private static final int OVER_THE_LIMIT = 2 * 1024 * 1024; // the server's limit is 1 MiB


    private record Bad(String what, String method, String path, byte[] body, int status, String code) {
        Bad(String what, String method, String path, String body, int status, String code) {
            this(what, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), status, code);
        }
    }

    @Test
    void badRequestsGet4xxJsonAndTheServerKeepsServing() throws IOException {
        cluster = ProcessCluster.found(dir, List.of("solo"), List.of("--storage", "memory"));
        KvHttp http = cluster.http();
        Member solo = cluster.member("solo");

        byte[] huge = new byte[OVER_THE_LIMIT];
        Arrays.fill(huge, (byte) 'x');
        List<Bad> bad = List.of(
                new Bad("unknown route", "GET", "/v2/everything", (String) null, 404, "NOT_FOUND"),
                new Bad("known path, wrong method", "PATCH", "/v1/kv/k", "v", 404, "NOT_FOUND"),
                new Bad("bad JSON", "POST", "/v1/members", "{\"name\": \"n9\", \"peerUrls\": [", 400, "BAD_REQUEST"),
                new Bad("JSON that is not an object", "POST", "/v1/members", "[1, 2]", 400, "BAD_REQUEST"),
                new Bad("missing name", "POST", "/v1/members", "{\"peerUrls\": [\"127.0.0.1:1\"]}", 400, "BAD_REQUEST"),
                new Bad("missing peerUrls", "POST", "/v1/members", "{\"name\": \"n9\"}", 400, "BAD_REQUEST"),
                new Bad("wrong field type", "POST", "/v1/members", "{\"name\": 7, \"peerUrls\": \"x\"}", 400,
                        "BAD_REQUEST"),
                new Bad("non-numeric prev_revision", "PUT", "/v1/kv/k?prev_revision=abc", "v", 400, "BAD_REQUEST"),
                new Bad("unknown consistency", "GET", "/v1/kv/k?consistency=eventual", (String) null, 400,
                        "BAD_REQUEST"),
                new Bad("member id that is not hex", "POST", "/v1/members/not-hex/promote", "", 400, "BAD_REQUEST"),
                new Bad("body over the limit", "PUT", "/v1/kv/big", huge, 413, "PAYLOAD_TOO_LARGE"));

        int round = 0;
        for (Bad b : bad) {
            KvHttp.Reply r = http.sendBytes(solo.endpoint(), b.method(), b.path(), b.body());
            assertThat(r.status()).as("%s: %s %s -> %s", b.what(), b.method(), b.path(), r).isEqualTo(b.status());
            Map<String, Object> json = r.json();
            assertThat(json.get("code")).as("%s: %s", b.what(), r).isEqualTo(b.code());
            assertThat(String.valueOf(json.get("message"))).as("%s: %s", b.what(), r).isNotBlank();
            assertKeepsServing(http, solo, round++);
        }

        // Bytes that are not HTTP at all: answered 400 (or the connection closed), never a crash.
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(solo.endpoint().split(":")[1])), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("\u0000\u0001 NOT HTTP AT ALL \u00ff\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(answer).as("answer to garbage").satisfiesAnyOf(
                    a -> assertThat(a).isEmpty(),
                    a -> assertThat(a).matches("HTTP/1\\.[01] 4\\d\\d"));
        }
        assertKeepsServing(http, solo, round);
        assertThat(solo.isRunning()).isTrue();
        assertThat(http.health(solo.endpoint()).status()).isEqualTo(200);
    }

    private static void assertKeepsServing(KvHttp http, Member m, int round) {
        String key = "after-bad-" + round;
        KvHttp.Reply put = http.put(m.endpoint(), key, "still here");
        assertThat(put.status()).as("a write after bad request %d: %s", round, put).isEqualTo(200);
        KvHttp.Reply get = http.get(m.endpoint(), key);
        assertThat(get.status()).as("a read after bad request %d: %s", round, get).isEqualTo(200);
        assertThat(get.str("value")).isEqualTo("still here");
    }
}
