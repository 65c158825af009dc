package org.understudy.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.bench.report.JmhResult;

class StorageRatioReportTest {

    private static String result(String benchmark, String mode, String params, String score, String error, String unit) {
        return """
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "org.understudy.bench.storage.%s",
                    "mode" : "%s",
                    "params" : { %s },
                    "primaryMetric" : { "score" : %s, "scoreError" : %s, "scoreConfidence" : [ 1.0, 2.0 ],
                        "scoreUnit" : "%s", "rawData" : [ [ 1.5e2, 2.0E2 ] ] },
                    "secondaryMetrics" : { "bytes" : { "score" : 5.0 } }
                }""".formatted(benchmark, mode, params, score, error, unit);
    }

    private static String append(String engine, int batch, int entryBytes, double batchesPerSecond) {
        return result("AppendSyncBenchmark.appendBatchAndSync", "thrpt",
                "\"engine\" : \"%s\", \"batch\" : \"%d\", \"entryBytes\" : \"%d\"".formatted(engine, batch, entryBytes),
                Double.toString(batchesPerSecond), "\"NaN\"", "ops/s");
    }

    @Test
    void appendRatiosCompareWithRawAtTheSameShape() {
        String json = "[" + String.join(",",
                append("raw", 256, 1024, 200),
                append("mapdb", 256, 1024, 120),
                append("chronicle", 256, 1024, 80),
                append("raw", 256, 64, 400),
                append("mapdb", 256, 64, 100),
                append("mapdb", 16, 64, 50),
                append("memory", 256, 64, 12_000)) + "]";

        String table = StorageRatioReport.render(JmhResult.parse(json));

        assertThat(table)
                .contains("| raw | 256 | 1024 | 200 | 51,200 | 52.43 | 100% |  |")
                .contains("| mapdb | 256 | 1024 | 120 | 30,720 | 31.46 | 60% | met |")
                .contains("| chronicle | 256 | 1024 | 80.00 | 20,480 | 20.97 | 40% | **missed** |")
                .contains("| mapdb | 256 | 64 | 100 | 25,600 | 1.64 | 25% | **missed** |")
                .contains("| mapdb | 16 | 64 | 50.00 | 800 | 0.05 | n/a |  |")
                .contains("| memory | 256 | 64 | 12,000 | 3,072,000 | 196.61 | 30× |  |");
        // rows run by entry size, then batch, then engine (raw first)
        assertThat(table.indexOf("| mapdb | 16 | 64 |")).isLessThan(table.indexOf("| raw | 256 | 64 |"));
        assertThat(table.indexOf("| raw | 256 | 1024 |")).isLessThan(table.indexOf("| mapdb | 256 | 1024 |"));
    }

    @Test
    void readAndOpenTablesUseTheirOwnUnits() {
        String json = "[" + String.join(",",
                result("RandomReadBenchmark.entry", "thrpt", "\"engine\" : \"raw\", \"logEntries\" : \"200000\", \"entryBytes\" : \"1024\"",
                        "1000.0", "100.0", "ops/ms"),
                result("RandomReadBenchmark.entry", "thrpt", "\"engine\" : \"mapdb\", \"logEntries\" : \"200000\", \"entryBytes\" : \"1024\"",
                        "250000.0", "0.0", "ops/s"),
                result("OpenLogBenchmark.openReadLastClose", "ss", "\"engine\" : \"raw\", \"logEntries\" : \"1000000\", \"logEntryBytes\" : \"64\"",
                        "0.2", "0.01", "s/op"),
                result("OpenLogBenchmark.openReadLastClose", "ss", "\"engine\" : \"mapdb\", \"logEntries\" : \"1000000\", \"logEntryBytes\" : \"64\"",
                        "50.0", "\"NaN\"", "ms/op")) + "]";

        String table = StorageRatioReport.render(JmhResult.parse(json));

        assertThat(table)
                .contains("| raw | entry | 200,000 × 1024 B | 1,000,000 ± 10% | 1.00 | 100% |")
                .contains("| mapdb | entry | 200,000 × 1024 B | 250,000 ± 0% | 4.00 | 25% |")
                .contains("| raw | 1,000,000 × 64 B | 200 ± 5% | 1.00× |")
                .contains("| mapdb | 1,000,000 × 64 B | 50.00 | 0.25× |");
    }

    @Test
    void aFileWithoutStorageResultsSaysSo() {
        assertThat(StorageRatioReport.render(List.of())).contains("No storage benchmark results");
    }
}
