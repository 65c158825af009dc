package org.understudy.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark result from a JMH JSON result file: which benchmark, with which parameters, and
 * its primary score with the half-width of its 99.9% confidence interval ({@code NaN} when JMH
 * had too few samples to give one). Sample-time results also carry their percentiles.
 *
 * @param benchmark {@code SimpleClassName.method}
 * @param mode JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample}, {@code ss}
 * @param percentiles the primary metric's {@code scorePercentiles} (percent → score, in
 *     {@code unit}); empty when JMH wrote none
 */
public record JmhResult(String benchmark, String mode, Map<String, String> params, double score, double error,
        String unit, Map<Double, Double> percentiles) {

    /** Reads every result of a JMH {@code -rf json} file. */
    public static List<JmhResult> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Reads every result of a JMH JSON document. */
    public static List<JmhResult> parse(String json) {
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
            Map<Double, Double> percentiles = new TreeMap<>();
            if (primary.get("scorePercentiles") instanceof Map<?, ?> map) {
                map.forEach((k, v) -> percentiles.put(Double.valueOf(String.valueOf(k)), number(v)));
            }
            results.add(new JmhResult(shortName, (String) run.get("mode"), params,
                    number(primary.get("score")), number(primary.get("scoreError")), (String) primary.get("scoreUnit"),
                    percentiles));
        }
        return results;
    }

    /** A parameter's value, or {@code ""} when the benchmark has no such parameter. */
    public String param(String name) {
        return params.getOrDefault(name, "");
    }

    /** The score as operations per second; the result must be a throughput ({@code ops/<unit>}). */
    public double opsPerSecond() {
        if (!unit.startsWith("ops/")) {
            throw new IllegalStateException(benchmark + " reports " + unit + ", not a throughput");
        }
        return score * 1e9 / nanosIn(unit.substring(4));
    }

    /** The score as milliseconds per operation; the result must be a time ({@code <unit>/op}). */
    public double millisPerOp() {
        return nanosPerOp(score) / 1e6;
    }

    /** The score as microseconds per operation; the result must be a time ({@code <unit>/op}). */
    public double microsPerOp() {
        return nanosPerOp(score) / 1e3;
    }

    /**
     * The {@code percent} percentile (50 = the median) in microseconds per operation, or
     * {@code NaN} when the result has no such percentile (only sample-time results have them).
     */
    public double percentileMicros(double percent) {
        Double value = percentiles.get(percent);
        return value == null ? Double.NaN : nanosPerOp(value) / 1e3;
    }

    /** The confidence half-width as a fraction of the score ({@code NaN} when unknown). */
    public double relativeError() {
        return error / score;
    }

    /** {@code value}, a time per operation in this result's unit, in nanoseconds (whole factors: no rounding drift). */
    private double nanosPerOp(double value) {
        if (!unit.endsWith("/op")) {
            throw new IllegalStateException(benchmark + " reports " + unit + ", not a time per operation");
        }
        return value * nanosIn(unit.substring(0, unit.length() - 3));
    }

    private static double nanosIn(String unit) {
        return switch (unit) {
            case "s" -> 1e9;
            case "ms" -> 1e6;
            case "us" -> 1e3;
            case "ns" -> 1;
            case "min" -> 60e9;
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
