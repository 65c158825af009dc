package org.understudy.bench.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.bench.report.JmhResult;

class TransportRatioReportTest {

    private static String latency(String impl, int payload, double meanMicros, double p50Micros, double p99Micros) {
        return """
                { "benchmark" : "org.understudy.bench.transport.TransportRoundTripBenchmark.roundTrip", "mode" : "sample",
                  "params" : { "impl" : "%s", "payloadBytes" : "%d" },
                  "primaryMetric" : { "score" : %s, "scoreError" : %s, "scoreUnit" : "us/op",
                      "scorePercentiles" : { "0.0" : 1.0, "50.0" : %s, "90.0" : 1.0, "99.0" : %s, "100.0" : 900.0 } } }"""
                .formatted(impl, payload, meanMicros, meanMicros / 10, p50Micros, p99Micros);
    }

    private static String throughput(String impl, int payload, double roundTripsPerSecond) {
        return """
                { "benchmark" : "org.understudy.bench.transport.TransportThroughputBenchmark.send", "mode" : "thrpt",
                  "params" : { "impl" : "%s", "payloadBytes" : "%d", "window" : "32" },
                  "primaryMetric" : { "score" : %s, "scoreError" : "NaN", "scoreUnit" : "ops/s" } }"""
                .formatted(impl, payload, roundTripsPerSecond);
    }

    @Test
    void ratiosAreTakenAgainstTheRawEchoAtTheSamePayload() {
        String json = "[" + String.join(",",
                latency("understudy", 64, 60, 50, 200),
                latency("raw-echo", 64, 50, 40, 100),
                latency("raw-echo", 16384, 100, 90, 300),
                latency("understudy", 16384, 125, 130, 400),
                latency("raw-relay", 64, 100, 80, 150),
                throughput("raw-echo", 64, 100_000),
                throughput("understudy", 64, 80_000),
                throughput("raw-echo", 16384, 20_000),
                throughput("understudy", 16384, 10_000)) + "]";

        String report = TransportRatioReport.render(JmhResult.parse(json));

        assertThat(report)
                // latency: p50 50/40 = 1.25, mean 60/50 = 1.20 (met); p50 130/90 = 1.44, mean 1.25
                .contains("| raw-echo | 64 | 40.00 | 50.00 ± 10% | 100 | 1.00× | 1.00× |  |")
                .contains("| understudy | 64 | 50.00 | 60.00 ± 10% | 200 | 1.25× | 1.20× | met |")
                // the diagnostic relay is a reference: a ratio, no verdict, no summary row
                .contains("| raw-relay | 64 | 80.00 | 100 ± 10% | 150 | 2.00× | 2.00× |  |")
                .doesNotContain("| raw-relay | 64 | 2.00×")
                .contains("| understudy | 16384 | 130 | 125 ± 10% | 400 | 1.44× | 1.25× | p50 **missed**, mean met |")
                // throughput: 80% (met), 50% (missed); MB/s = round trips/s × payload / 10^6
                .contains("| raw-echo | 64 | 32 | 100,000 | 6.40 | 100% |  |")
                .contains("| understudy | 64 | 32 | 80,000 | 5.12 | 80% | met |")
                .contains("| understudy | 16384 | 32 | 10,000 | 163.84 | 50% | **missed** |")
                // the summary
                .contains("| understudy | 64 | 1.25× | 1.20× | 80% | met | met |")
                .contains("| understudy | 16384 | 1.44× | 1.25× | 50% | p50 **missed**, mean met | **missed** |");
        // rows run by payload, the raw echo first
        assertThat(report.indexOf("| raw-echo | 64 | 40.00")).isLessThan(report.indexOf("| understudy | 64 | 50.00"));
        assertThat(report.indexOf("| understudy | 64 | 50.00")).isLessThan(report.indexOf("| raw-echo | 16384 | 90.00"));
        assertThat(report.indexOf("### Against the targets")).isLessThan(report.indexOf("### Round-trip latency"));
    }

    @Test
    void aMissingBaselineGivesNoRatio() {
        String json = "[" + latency("understudy", 64, 60, 50, 200) + "," + throughput("understudy", 64, 5) + "]";

        String report = TransportRatioReport.render(JmhResult.parse(json));

        assertThat(report)
                .contains("| understudy | 64 | 50.00 | 60.00 ± 10% | 200 | n/a | n/a | n/a |")
                .contains("| understudy | 64 | 32 | 5.00 | 0.00 | n/a | n/a |")
                .contains("| understudy | 64 | n/a | n/a | n/a | n/a | n/a |");
    }

    @Test
    void aFileWithoutTransportResultsSaysSo() {
        assertThat(TransportRatioReport.render(List.of())).contains("No transport benchmark results");
    }
}
