package org.understudy.bench.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark result from a JMH JSON result file: which benchmark, with which parameters, and
 * its primary score with the half-width of its 99.9% confidence interval ({@code NaN} when JMH
 * had too few samples to give one).
 *
 * @param benchmark {@code SimpleClassName.method}
 */
record JmhResult(String benchmark, String mode, Map<String, String> params, double score, double error, String unit) {

    /** Reads every result of a JMH {@code -rf json} file. */
    static List<JmhResult> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Reads every result of a JMH JSON document. */
    static List<JmhResult> parse(String json) {
        List<JmhResult> results = new ArrayList<>();
        for (Object item : (List<?>) MiniJson.parse(json)) {
            Map<?, ?> run = (Map<?, ?>) item;
            String name = (String) run.get("benchmark");
            String[] parts = name.split("\\.");
            String shortName = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : name;
            Map<String, String> params = new LinkedHashMap<>();
            if (run.get("params") instanceof Map<?, ?> map) {
                map.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
            results.add(new JmhResult(shortName, (String) run.get("mode"), params,
                    number(primary.get("score")), number(primary.get("scoreError")), (String) primary.get("scoreUnit")));
        }
        return results;
    }

    /** A parameter's value, or {@code ""} when the benchmark has no such parameter. */
    String param(String name) {
        return params.getOrDefault(name, "");
    }

    /** The score as operations per second; the result must be a throughput ({@code ops/<unit>}). */
    double opsPerSecond() {
        if (!unit.startsWith("ops/")) {
            throw new IllegalStateException(benchmark + " reports " + unit + ", not a throughput");
        }
        return score / secondsIn(unit.substring(4));
    }

    /** The score as milliseconds per operation; the result must be a time ({@code <unit>/op}). */
    double millisPerOp() {
        if (!unit.endsWith("/op")) {
            throw new IllegalStateException(benchmark + " reports " + unit + ", not a time per operation");
        }
        return score * secondsIn(unit.substring(0, unit.length() - 3)) * 1000;
    }

    /** The confidence half-width as a fraction of the score ({@code NaN} when unknown). */
    double relativeError() {
        return error / score;
    }

    private static double secondsIn(String unit) {
        return switch (unit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown JMH time unit: " + unit);
        };
    }

    private static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) { // JMH writes "NaN" as a string
            return Double.parseDouble(s);
        }
        return Double.NaN;
    }
}
