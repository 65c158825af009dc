package org.understudy.examples.kv.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run measured, as the final JSON line of {@code raft-kv bench}:
 * <pre>
 * {"config":{"endpoints":[..],"protocol","mode","clients","rateOpsPerSecond"(fixed-rate only),"valueBytes",
 *            "readRatio","keys","keyPrefix","warmupSeconds","durationSeconds","timeoutSeconds","seed"},
 *  "totals":{"ops","writes","reads","readsNotFound","errors":{CODE:n},"errorCount","timeouts","unknown","notSent"},
 *  "throughputOpsPerSecond", "latencyMicros":{"write":{"count","p50","p90","p99","p999","max","mean"},"read":{..}},
 *  "leaderChanges", "elapsedSeconds", "complete"}
 * </pre>
 * Throughput counts the reads and writes served in the recorded part, over its length. Latencies
 * are of served operations only, in microseconds.
 *
 * @param elapsedSeconds from the start of the warmup to the last operation's end
 * @param complete false when operations were still in flight when the run gave up waiting for them
 */
public record BenchSummary(LoadOptions options, List<String> endpoints, OutcomeTotals totals,
                           LatencyRecorder.Latencies latencies, long leaderChanges, double recordedSeconds,
                           double elapsedSeconds, boolean complete) {

    public BenchSummary {
        endpoints = List.copyOf(endpoints);
    }

    /** Served operations per second of the recorded part. */
    public double throughput() {
        return recordedSeconds <= 0 ? 0 : totals.succeeded() / recordedSeconds;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("endpoints", endpoints);
        config.put("protocol", options.protocol().flag());
        config.put("mode", options.mode().flag());
        config.put("clients", options.clients());
        options.rate().ifPresent(r -> config.put("rateOpsPerSecond", r));
        config.put("valueBytes", options.valueBytes());
        config.put("readRatio", options.readRatio());
        config.put("keys", options.keys());
        config.put("keyPrefix", options.keyPrefix());
        config.put("warmupSeconds", options.warmup().toMillis() / 1000.0);
        config.put("durationSeconds", options.duration().toMillis() / 1000.0);
        config.put("timeoutSeconds", options.timeout().toMillis() / 1000.0);
        config.put("seed", options.seed());

        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("write", latencies.writes().toJson());
        latency.put("read", latencies.reads().toJson());

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("config", config);
        json.put("totals", totals.toJson());
        json.put("throughputOpsPerSecond", Math.round(throughput() * 10) / 10.0);
        json.put("latencyMicros", latency);
        json.put("leaderChanges", leaderChanges);
        json.put("elapsedSeconds", Math.round(elapsedSeconds * 1000) / 1000.0);
        json.put("complete", complete);
        return json;
    }
}
