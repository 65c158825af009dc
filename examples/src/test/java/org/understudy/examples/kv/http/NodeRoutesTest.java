package org.understudy.examples.kv.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.api.KvService.HealthView;
import org.understudy.examples.kv.api.KvService.StatusView;

/** {@code /v1/status}, {@code /health} and {@code /metrics}. */
class NodeRoutesTest extends ServedApiTest {
    @Test
    void status() {
        service.onStatus = () -> new StatusView("00000000000000ab", "n4", "learner", 7, "8e9e05c52164694d", 100, 99, 101, true);
        ApiClient.Reply reply = client.get("/v1/status");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("application/json");
        assertThat(reply.body()).isEqualTo("{\"id\":\"00000000000000ab\",\"name\":\"n4\",\"role\":\"learner\",\"term\":7,"
                + "\"leader\":\"8e9e05c52164694d\",\"commitIndex\":100,\"appliedIndex\":99,\"lastIndex\":101,\"learner\":true}");
    }

    @Test
    void health() {
        ApiClient.Reply healthy = client.get("/health");
        assertThat(healthy.status()).isEqualTo(200);
        assertThat(healthy.body()).isEqualTo("{\"healthy\":true}");

        service.onHealth = () -> new HealthView(false, "no leader known");
        ApiClient.Reply sick = client.get("/health");
        assertThat(sick.status()).isEqualTo(503);
        assertThat(sick.contentType()).isEqualTo("application/json");
        assertThat(sick.body()).isEqualTo("{\"healthy\":false,\"reason\":\"no leader known\"}");
    }

    @Test
    void metricsArePrometheusText() {
        ApiClient.Reply reply = client.get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(reply.body()).isEqualTo("# TYPE raft_term gauge\nraft_term 3.0\n");
    }

    @Test
    void theseRoutesTakeNoParameters() {
        for (String path : new String[] {"/v1/status?x=1", "/health?verbose", "/metrics?name[]=a"}) {
            ApiClient.Reply reply = client.get(path.replace("[]", "%5B%5D"));
            assertThat(reply.status()).as(path).isEqualTo(400);
            assertThat(reply.message()).as(path).contains("takes none");
        }
    }
}
