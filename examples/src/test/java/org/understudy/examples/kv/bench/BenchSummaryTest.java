package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The final JSON line's shape: what scripts read from {@code raft-kv bench}. */
class BenchSummaryTest {

    private static Map<String, Object> written(BenchSummary s) throws Exception {
        String line = JSON.std.asString(s.toJson());
        assertThat(line).doesNotContain("\n");
        return JSON.std.mapFrom(line);
    }

    @Test
    void aFixedRateRunSaysItsConfigTotalsThroughputAndPercentiles() throws Exception {
        LoadOptions o = new LoadOptions(64, BenchMode.FIXED_RATE, OptionalDouble.of(5000), 1024, 0.25, 100, "bench/",
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5), 123456789L, BenchProtocol.HTTP);
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 1; i <= 1000; i++) {
            r.record(OpKind.WRITE, 0, i * 1000L, OpOutcome.OK, true);
        }
        r.record(OpKind.READ, 0, 2_000_000, OpOutcome.NOT_FOUND, true);
        r.record(OpKind.WRITE, 0, 1, OpOutcome.error("UNAVAILABLE"), true);
        r.record(OpKind.WRITE, 0, 1, OpOutcome.UNKNOWN, true);
        BenchSummary s = new BenchSummary(o, List.of("127.0.0.1:2379"), r.totals(), r.fold(), 2, 10, 12.5, true);

        Map<String, Object> json = written(s);

        assertThat(json).containsOnlyKeys("config", "totals", "throughputOpsPerSecond", "latencyMicros",
                "leaderChanges", "elapsedSeconds", "complete");
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) json.get("config");
        assertThat(config).containsEntry("clients", 64).containsEntry("mode", "fixed-rate")
                .containsEntry("rateOpsPerSecond", 5000.0).containsEntry("valueBytes", 1024)
                .containsEntry("readRatio", 0.25).containsEntry("durationSeconds", 10.0)
                .containsEntry("warmupSeconds", 2.0).containsEntry("seed", 123456789)
                .containsEntry("protocol", "http").containsEntry("keys", 100).containsEntry("keyPrefix", "bench/")
                .containsEntry("endpoints", List.of("127.0.0.1:2379"));
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) json.get("totals");
        assertThat(new TreeMap<>(totals)).isEqualTo(new TreeMap<>(Map.of("ops", 1003, "writes", 1000, "reads", 1,
                "readsNotFound", 1, "errors", Map.of("UNAVAILABLE", 1), "errorCount", 1, "timeouts", 0, "unknown", 1,
                "notSent", 0)));
        assertThat(json.get("throughputOpsPerSecond")).isEqualTo(100.1);
        assertThat(json).containsEntry("leaderChanges", 2).containsEntry("elapsedSeconds", 12.5)
                .containsEntry("complete", true);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> latency = (Map<String, Map<String, Object>>) json.get("latencyMicros");
        assertThat(latency).containsOnlyKeys("write", "read");
        assertThat(latency.get("write")).containsOnlyKeys("count", "p50", "p90", "p99", "p999", "max", "mean")
                .containsEntry("count", 1000).containsEntry("p50", 500).containsEntry("p90", 900)
                .containsEntry("p99", 990).containsEntry("p999", 999).containsEntry("max", 1000);
        assertThat(latency.get("read")).containsEntry("count", 1).containsEntry("p50", 2000);
    }

    @Test
    void aClosedRunHasNoRateAndAnEmptyKindHasZeros() throws Exception {
        LoadOptions o = new LoadOptions(16, BenchMode.CLOSED, OptionalDouble.empty(), 1024, 1, 100, "bench/",
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(5), 1, BenchProtocol.RPC);
        LatencyRecorder r = new LatencyRecorder();
        BenchSummary s = new BenchSummary(o, List.of("a:1"), r.totals(), r.fold(), 0, 1, 1, false);

        Map<String, Object> json = written(s);

        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) json.get("config");
        assertThat(config).doesNotContainKey("rateOpsPerSecond").containsEntry("mode", "closed");
        assertThat(json).containsEntry("throughputOpsPerSecond", 0.0).containsEntry("complete", false);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> latency = (Map<String, Map<String, Object>>) json.get("latencyMicros");
        assertThat(latency.get("write")).containsEntry("count", 0).containsEntry("p99", 0).containsEntry("max", 0);
    }
}
