package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.cli.RaftKvMain;
import picocli.CommandLine;

/**
 * Issue 8: {@code raft-kv bench} against a 3-member cluster of server processes: a closed loop over
 * the binary protocol as its own JVM, then a fixed rate over HTTP in this JVM. Each run's JSON line
 * says it did work without errors, and every key it wrote reads back with a value of the size put.
 */
class BenchTest extends ProcessClusterTestBase {
    /** Below 2^48, as bench's own seeds, so the JSON line gives it back exactly. */
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime() & ((1L << 48) - 1));
    private static final int KEYS = 8;
    private static final int VALUE_BYTES = 64;

    @Test
    void benchLoadsTheClusterOverBothProtocolsAndWhatItWroteReadsBack() throws IOException {
        System.out.println("[process-tests] BenchTest seed " + SEED + " (rerun with -Draftkv.seed=" + SEED + ")");
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"), List.of("--storage", "memory"));

        JavaProcess.Finished closed = JavaProcess.run(cluster.workDir(), "bench-rpc", List.of("bench",
                "--endpoints", cluster.endpoints(), "--clients", "4", "--warmup", "1s", "--duration", "3s",
                "--keys", String.valueOf(KEYS), "--key-prefix", "rpc/", "--value-bytes", String.valueOf(VALUE_BYTES),
                "--seed", String.valueOf(SEED)), Duration.ofSeconds(60));
        assertThat(closed.exit()).as("exit status (seed %d); stderr: %s", SEED, closed.err()).isZero();
        assertThat(closed.err()).contains("raft-kv bench: closed loop, 4 clients", "seed " + SEED, "done: ");
        Map<String, Object> rpc = summary(closed.out());
        assertThat(config(rpc)).containsEntry("protocol", "rpc").containsEntry("mode", "closed")
                .containsEntry("clients", 4).containsEntry("valueBytes", VALUE_BYTES);
        assertThat(num(config(rpc), "seed")).isEqualTo(SEED);
        assertServedWithoutErrors(rpc);
        // With at least 200 puts spread uniformly over 8 keys, a key stays unwritten with a chance of
        // 8 * (7/8)^200, about 2e-11: every key must read back.
        assertThat(num(totals(rpc), "writes")).as("puts in 3 s (seed %d)", SEED).isGreaterThanOrEqualTo(200);
        assertEveryKeyReadsBack("rpc/");

        Run fixed = runHere("bench", "--protocol", "http", "--endpoints", cluster.endpoints(), "--mode", "fixed-rate",
                "--rate", "200", "--clients", "8", "--warmup", "0s", "--duration", "2s", "--keys", String.valueOf(KEYS),
                "--key-prefix", "http/", "--value-bytes", String.valueOf(VALUE_BYTES), "--seed", String.valueOf(SEED));
        assertThat(fixed.exit()).as("exit status (seed %d); stderr: %s", SEED, fixed.err()).isZero();
        Map<String, Object> http = summary(fixed.out());
        assertThat(config(http)).containsEntry("protocol", "http").containsEntry("mode", "fixed-rate")
                .containsEntry("rateOpsPerSecond", 200.0);
        assertServedWithoutErrors(http);
        assertThat(num(totals(http), "ops") + num(totals(http), "notSent")).as("2 s at 200/s").isEqualTo(400);
        assertEveryKeyReadsBack("http/");
    }

    private void assertServedWithoutErrors(Map<String, Object> summary) {
        Map<String, Object> totals = totals(summary);
        assertThat(num(totals, "ops")).as("seed %d: %s", SEED, summary).isPositive();
        assertThat(num(totals, "errorCount")).as("seed %d: %s", SEED, summary).isZero();
        assertThat(num(totals, "timeouts")).as("seed %d: %s", SEED, summary).isZero();
        assertThat(num(totals, "unknown")).as("seed %d: %s", SEED, summary).isZero();
        assertThat(num(totals, "ops")).isEqualTo(num(totals, "writes") + num(totals, "reads"));
        assertThat(summary).containsEntry("complete", true);
        assertThat(((Number) summary.get("throughputOpsPerSecond")).doubleValue()).isPositive();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> latency = (Map<String, Map<String, Object>>) summary.get("latencyMicros");
        assertThat(num(latency.get("write"), "count")).isEqualTo(num(totals, "writes"));
        assertThat(num(latency.get("read"), "count")).isEqualTo(num(totals, "reads"));
        for (Map<String, Object> kind : latency.values()) {
            assertThat(num(kind, "p50")).isPositive().isLessThanOrEqualTo(num(kind, "p99"));
            assertThat(num(kind, "p99")).isLessThanOrEqualTo(num(kind, "max"));
        }
    }

    private void assertEveryKeyReadsBack(String prefix) {
        Member leader = cluster.awaitLeader();
        for (int k = 0; k < KEYS; k++) {
            KvHttp.Reply r = cluster.http().get(leader.endpoint(), prefix + k);
            assertThat(r.status()).as("GET %s%d (seed %d): %s", prefix, k, SEED, r).isEqualTo(200);
            assertThat(r.str("value")).as("value of %s%d", prefix, k).matches("[A-Za-z0-9]{" + VALUE_BYTES + "}");
        }
    }

    /** The summary: stdout's last line, one JSON object. */
    private static Map<String, Object> summary(String stdout) throws IOException {
        List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stdout: %s", stdout).isNotEmpty();
        return JSON.std.mapFrom(lines.get(lines.size() - 1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Object> summary) {
        return (Map<String, Object>) summary.get("config");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> totals(Map<String, Object> summary) {
        return (Map<String, Object>) summary.get("totals");
    }

    private static long num(Map<String, Object> json, String field) {
        Object v = json.get(field);
        assertThat(v).as("'%s' in %s", field, json).isInstanceOf(Number.class);
        return ((Number) v).longValue();
    }

    private record Run(int exit, String out, String err) {}

    /** {@code raft-kv args...} in this JVM: the same command line code, without a JVM start. */
    private static Run runHere(String... args) {
        CommandLine cl = RaftKvMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
