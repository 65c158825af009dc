package org.understudy.bench.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.bench.report.JmhResult;

class ReplicationRatioReportTest {

    private static String throughput(String impl, int voters, int valueBytes, int proposers, double opsPerSecond) {
        return """
                { "benchmark" : "org.understudy.bench.replication.ReplicationThroughputBenchmark.propose", "mode" : "thrpt",
                  "params" : { "impl" : "%s", "proposers" : "%d", "valueBytes" : "%d", "voters" : "%d" },
                  "primaryMetric" : { "score" : %s, "scoreError" : %s, "scoreUnit" : "ops/s" } }"""
                .formatted(impl, proposers, valueBytes, voters, opsPerSecond, opsPerSecond / 20);
    }

    private static String latency(String impl, int voters, int valueBytes, int proposers, double p50, double p99,
            double p999) {
        return """
                { "benchmark" : "org.understudy.bench.replication.ReplicationLatencyBenchmark.propose", "mode" : "sample",
                  "params" : { "impl" : "%s", "proposers" : "%d", "valueBytes" : "%d", "voters" : "%d" },
                  "primaryMetric" : { "score" : %s, "scoreError" : 1.0, "scoreUnit" : "us/op",
                      "scorePercentiles" : { "0.0" : 1.0, "50.0" : %s, "90.0" : %s, "99.0" : %s, "99.9" : %s, "100.0" : 90000.0 } } }"""
                .formatted(impl, proposers, valueBytes, voters, p50 * 1.1, p50, p50 * 1.5, p99, p999);
    }

    private static String rawAppend(int batch, int entryBytes, double batchesPerSecond) {
        return """
                { "benchmark" : "org.understudy.bench.storage.AppendSyncBenchmark.appendBatchAndSync", "mode" : "thrpt",
                  "params" : { "batch" : "%d", "engine" : "raw", "entryBytes" : "%d" },
                  "primaryMetric" : { "score" : %s, "scoreError" : "NaN", "scoreUnit" : "ops/s" } }"""
                .formatted(batch, entryBytes, batchesPerSecond);
    }

    private static String roundTrip(String impl, int payloadBytes, double p50Micros) {
        return """
                { "benchmark" : "org.understudy.bench.transport.TransportRoundTripBenchmark.roundTrip", "mode" : "sample",
                  "params" : { "impl" : "%s", "payloadBytes" : "%d" },
                  "primaryMetric" : { "score" : %s, "scoreError" : 1.0, "scoreUnit" : "us/op",
                      "scorePercentiles" : { "50.0" : %s, "99.0" : 500.0 } } }"""
                .formatted(impl, payloadBytes, p50Micros, p50Micros);
    }

    private static String core(String benchmark, String param, String value, double opsPerSecond) {
        return """
                { "benchmark" : "org.understudy.bench.core.%s", "mode" : "thrpt",
                  "params" : { "%s" : "%s" },
                  "primaryMetric" : { "score" : %s, "scoreError" : "NaN", "scoreUnit" : "ops/s" } }"""
                .formatted(benchmark, param, value, opsPerSecond);
    }

    private static List<JmhResult> parse(String... results) {
        return JmhResult.parse("[" + String.join(",", results) + "]");
    }

    @Test
    void replicationIsARatioOfTheSingleNodeAtTheSameCase() {
        String report = ReplicationRatioReport.render(parse(
                throughput("netty-chronicle", 1, 64, 16, 8_000),
                throughput("netty-chronicle", 3, 64, 16, 4_000),
                throughput("memory", 3, 64, 16, 50_000),
                throughput("memory", 1, 64, 16, 100_000),
                throughput("memory", 3, 64, 1, 10_000),
                latency("memory", 3, 64, 1, 100, 300, 900),
                latency("memory", 1, 64, 1, 40, 100, 400)));

        assertThat(report)
                // 4,000 ÷ 8,000 = 50%; MB/s = 4,000 × 64 B / 10^6
                .contains("| netty-chronicle | 64 | 16 | 4,000 ± 5% | 8,000 ± 5% | 50% | 0.26 |")
                .contains("| memory | 64 | 16 | 50,000 ± 5% | 100,000 ± 5% | 50% | 3.20 |")
                .contains("| memory | 64 | 1 | 10,000 ± 5% | n/a | n/a | 0.64 |")
                // latency: p50 100 ÷ 40 = 2.50×, p99 300 ÷ 100 = 3.00×
                .contains("| memory | 64 | 1 | 100 | 300 | 900 | 40.00 | 100 | 400 | 2.50× | 3.00× |")
                .doesNotContain("### Latency beside the raw baselines")
                .doesNotContain("### Throughput beside the raw append+fsync")
                .doesNotContain("### Core");
        // memory before netty-chronicle; proposers ascending within a size
        assertThat(report.indexOf("| memory | 64 | 1 | 10,000")).isLessThan(report.indexOf("| memory | 64 | 16 | 50,000"));
        assertThat(report.indexOf("| memory | 64 | 16 | 50,000")).isLessThan(report.indexOf("| netty-chronicle | 64 | 16"));
        assertThat(report.indexOf("### End-to-end throughput")).isLessThan(report.indexOf("### End-to-end latency"));
    }

    @Test
    void rawBaselinesInTheSameRunGiveFloorsAndCeilings(@TempDir Path dir) throws IOException {
        // Two files, as run.sh could write them: read as one run.
        Path replication = dir.resolve("replication.json");
        Path baselines = dir.resolve("baselines.json");
        Files.writeString(replication, "[" + String.join(",",
                latency("netty-mapdb", 3, 1024, 1, 600, 2_000, 5_000),
                latency("netty-mapdb", 1, 1024, 1, 250, 900, 3_000),
                latency("memory", 3, 1024, 1, 50, 90, 200),
                throughput("netty-mapdb", 1, 1024, 16, 20_000),
                throughput("netty-mapdb", 3, 1024, 16, 10_000),
                throughput("netty-mapdb", 3, 1024, 64, 12_000)) + "]");
        Files.writeString(baselines, "[" + String.join(",",
                rawAppend(1, 1024, 5_000),   // 200 µs per one-entry fsync
                rawAppend(16, 1024, 2_500),  // 40,000 entries/s
                roundTrip("raw-echo", 1024, 50),
                roundTrip("understudy", 1024, 60)) + "]");
        List<JmhResult> all = new ArrayList<>(JmhResult.read(replication));
        all.addAll(JmhResult.read(baselines));

        String report = ReplicationRatioReport.render(all);

        assertThat(report)
                // floor = 50 + 200 = 250 µs; 600 ÷ 250 = 2.40×; the single node 250 ÷ 200 = 1.25×
                .contains("| netty-mapdb | 1024 | 600 | 50.00 | 60.00 | 200 | 250 | 2.40× | 250 | 1.25× |")
                // the in-memory cluster has no disk: no floor row
                .doesNotContain("| memory | 1024 | 50.00 | ")
                // ceiling at 16 proposers: 2,500 batches/s × 16 = 40,000 entries/s; 20,000 → 50%, 10,000 → 25%
                .contains("| netty-mapdb | 1024 | 16 | 40,000 | 20,000 | 50% | 10,000 | 25% |")
                .contains("| netty-mapdb | 1024 | 64 | 12,000 ± 5% | n/a | n/a | 12.29 |");
        // no raw batch of 64 in the files: no ceiling row for 64 proposers
        assertThat(report.substring(report.indexOf("### Throughput beside the raw append+fsync")))
                .doesNotContain("| netty-mapdb | 1024 | 64 | ");
    }

    @Test
    void coreResultsShowEntriesPerSecond() {
        String report = ReplicationRatioReport.render(parse(
                core("QuorumBenchmark.committedIndex", "config", "joint-3-3", 40_000_000),
                core("LeaderCoreBenchmark.round", "entries", "64", 20_000),
                core("LeaderCoreBenchmark.round", "entries", "1", 500_000),
                core("LogAppendBenchmark.storageAppend", "entries", "1", 2_000_000)));

        assertThat(report)
                .contains("### Core (no I/O, no threads)")
                .contains("| LeaderCoreBenchmark.round | 1 | 500,000 | 2,000 | 500,000 |")
                .contains("| LeaderCoreBenchmark.round | 64 | 20,000 | 50,000 | 1,280,000 |")
                .contains("| LogAppendBenchmark.storageAppend | 1 | 2,000,000 | 500 | 2,000,000 |")
                .contains("| QuorumBenchmark.committedIndex | joint-3-3 | 40,000,000 | 25.00 |  |");
        // leader before the log, the log before the quorum; entries ascending
        assertThat(report.indexOf("| LeaderCoreBenchmark.round | 1 |")).isLessThan(report.indexOf("| LeaderCoreBenchmark.round | 64 |"));
        assertThat(report.indexOf("| LeaderCoreBenchmark.round | 64 |")).isLessThan(report.indexOf("| LogAppendBenchmark"));
        assertThat(report.indexOf("| LogAppendBenchmark")).isLessThan(report.indexOf("| QuorumBenchmark"));
    }

    @Test
    void aFileWithoutReplicationResultsSaysSo() {
        assertThat(ReplicationRatioReport.render(List.of())).contains("No replication benchmark results");
        assertThat(ReplicationRatioReport.render(parse(roundTrip("raw-echo", 64, 30))))
                .contains("No replication benchmark results");
    }
}
