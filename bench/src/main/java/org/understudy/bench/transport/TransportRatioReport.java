package org.understudy.bench.transport;

import static org.understudy.bench.report.Figures.number;
import static org.understudy.bench.report.Figures.withError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.understudy.bench.report.JmhResult;

/**
 * Turns a JMH JSON result file of the transport benchmarks into the Markdown tables of
 * {@code bench/RESULTS.md}: every implementation's latency and throughput as a ratio of the raw
 * Netty echo measured in the same run, judged against the targets.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.understudy.bench.transport.TransportRatioReport bench/target/transport.json</pre>
 *
 * <p>Only results present in the file appear; a ratio whose raw echo is missing shows as "n/a".
 */
public final class TransportRatioReport {

    /** The latency target: at most this multiple of the raw echo's round trip. */
    static final double MAX_LATENCY_RATIO = 1.3;
    /** The throughput target: at least this share of the raw echo's round trips per second. */
    static final double MIN_THROUGHPUT_RATIO = 0.7;

    private static final String LATENCY = TransportRoundTripBenchmark.class.getSimpleName() + ".";
    private static final String THROUGHPUT = TransportThroughputBenchmark.class.getSimpleName() + ".";
    private static final String IMPL = "impl";
    private static final String PAYLOAD = "payloadBytes";

    private TransportRatioReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: TransportRatioReport <jmh-result.json>");
            System.exit(2);
        }
        System.out.print(render(JmhResult.read(Path.of(args[0]))));
    }

    /** The Markdown tables for every transport result in {@code results}. */
    static String render(List<JmhResult> results) {
        List<JmhResult> latency = select(results, LATENCY);
        List<JmhResult> throughput = select(results, THROUGHPUT);
        StringBuilder out = new StringBuilder();
        summaryTable(latency, throughput, out);
        latencyTable(latency, out);
        throughputTable(throughput, out);
        if (out.length() == 0) {
            out.append("No transport benchmark results in this file.\n");
        }
        return out.toString();
    }

    private static void summaryTable(List<JmhResult> latency, List<JmhResult> throughput, StringBuilder out) {
        List<JmhResult> candidates = new ArrayList<>();
        for (JmhResult r : latency) {
            if (!isBaseline(r)) {
                candidates.add(r);
            }
        }
        for (JmhResult r : throughput) {
            if (!isBaseline(r) && candidates.stream().noneMatch(c -> sameCase(c, r))) {
                candidates.add(r);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        candidates.sort(byPayloadThenImpl());
        out.append("### Against the targets\n\n")
                .append("Ratios to the raw Netty echo at the same payload, same run. Targets (the issue): latency ≤ ")
                .append(multiple(MAX_LATENCY_RATIO)).append(" raw (judged on the median and on the mean), throughput ≥ ")
                .append(percent(MIN_THROUGHPUT_RATIO)).append(" of raw.\n\n")
                .append("| impl | payload B | latency p50 × raw | latency mean × raw | throughput vs raw | latency | throughput |\n")
                .append("|---|---:|---:|---:|---:|---|---|\n");
        for (JmhResult c : candidates) {
            Optional<JmhResult> lat = latency.stream().filter(r -> sameCase(r, c)).findFirst();
            Optional<JmhResult> thr = throughput.stream().filter(r -> sameCase(r, c)).findFirst();
            Optional<Double> p50 = lat.flatMap(r -> latencyRatio(r, latency, 50));
            Optional<Double> mean = lat.flatMap(r -> latencyRatio(r, latency, -1));
            Optional<Double> rate = thr.flatMap(r -> throughputRatio(r, throughput));
            out.append("| ").append(c.param(IMPL))
                    .append(" | ").append(c.param(PAYLOAD))
                    .append(" | ").append(p50.map(TransportRatioReport::multiple).orElse("n/a"))
                    .append(" | ").append(mean.map(TransportRatioReport::multiple).orElse("n/a"))
                    .append(" | ").append(rate.map(TransportRatioReport::percent).orElse("n/a"))
                    .append(" | ").append(latencyVerdict(p50, mean))
                    .append(" | ").append(rate.map(TransportRatioReport::throughputVerdict).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void latencyTable(List<JmhResult> rows, StringBuilder out) {
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(byPayloadThenImpl());
        out.append("### Round-trip latency\n\n")
                .append("One operation = send one request of `payload` bytes from A to B and wait until B's same-size answer is back at A ")
                .append("(one message outstanding; JMH sample time). µs per round trip. *× raw* = the implementation's figure ÷ the raw echo's ")
                .append("at the same payload, same run. ± = JMH's 99.9% confidence half-width of the mean.\n\n")
                .append("| impl | payload B | p50 µs | mean µs | p99 µs | p50 × raw | mean × raw | target ≤ ")
                .append(multiple(MAX_LATENCY_RATIO)).append(" |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (JmhResult r : rows) {
            Optional<Double> p50 = latencyRatio(r, rows, 50);
            Optional<Double> mean = latencyRatio(r, rows, -1);
            out.append("| ").append(r.param(IMPL))
                    .append(" | ").append(r.param(PAYLOAD))
                    .append(" | ").append(number(r.percentileMicros(50)))
                    .append(" | ").append(withError(r.microsPerOp(), r))
                    .append(" | ").append(number(r.percentileMicros(99)))
                    .append(" | ").append(p50.map(TransportRatioReport::multiple).orElse("n/a"))
                    .append(" | ").append(mean.map(TransportRatioReport::multiple).orElse("n/a"))
                    .append(" | ").append(isBaseline(r) ? "" : latencyVerdict(p50, mean))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void throughputTable(List<JmhResult> rows, StringBuilder out) {
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(byPayloadThenImpl());
        out.append("### Round-trip throughput\n\n")
                .append("One operation = one request sent with at most `window` unanswered (a reply frees a slot): in steady state, ")
                .append("round trips per second. MB/s = 10^6 payload bytes per second in each direction. *vs raw* = the implementation's ")
                .append("round trips/s ÷ the raw echo's at the same payload and window, same run. ± = JMH's 99.9% confidence half-width.\n\n")
                .append("| impl | payload B | window | round trips/s | MB/s each way | vs raw | target ≥ ")
                .append(percent(MIN_THROUGHPUT_RATIO)).append(" |\n")
                .append("|---|---:|---:|---:|---:|---:|---|\n");
        for (JmhResult r : rows) {
            double ops = r.opsPerSecond();
            Optional<Double> ratio = throughputRatio(r, rows);
            out.append("| ").append(r.param(IMPL))
                    .append(" | ").append(r.param(PAYLOAD))
                    .append(" | ").append(r.param("window"))
                    .append(" | ").append(withError(ops, r))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", ops * Integer.parseInt(r.param(PAYLOAD)) / 1e6))
                    .append(" | ").append(ratio.map(TransportRatioReport::percent).orElse("n/a"))
                    .append(" | ").append(isBaseline(r) ? "" : ratio.map(TransportRatioReport::throughputVerdict).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    /** {@code r}'s percentile (or mean, for a negative {@code percent}) ÷ the raw echo's. */
    private static Optional<Double> latencyRatio(JmhResult r, List<JmhResult> rows, double percent) {
        return rawOf(r, rows).map(raw -> percent < 0
                ? r.microsPerOp() / raw.microsPerOp()
                : r.percentileMicros(percent) / raw.percentileMicros(percent))
                .filter(x -> !x.isNaN());
    }

    private static Optional<Double> throughputRatio(JmhResult r, List<JmhResult> rows) {
        return rawOf(r, rows).map(raw -> r.opsPerSecond() / raw.opsPerSecond());
    }

    private static String latencyVerdict(Optional<Double> p50, Optional<Double> mean) {
        if (p50.isEmpty() || mean.isEmpty()) {
            return "n/a";
        }
        boolean p50Met = p50.get() <= MAX_LATENCY_RATIO;
        boolean meanMet = mean.get() <= MAX_LATENCY_RATIO;
        if (p50Met && meanMet) {
            return "met";
        }
        if (!p50Met && !meanMet) {
            return "**missed**";
        }
        return p50Met ? "p50 met, mean **missed**" : "p50 **missed**, mean met";
    }

    private static String throughputVerdict(double ratio) {
        return ratio >= MIN_THROUGHPUT_RATIO ? "met" : "**missed**";
    }

    /** The raw echo's result of the same benchmark with the same parameters but {@code impl}. */
    private static Optional<JmhResult> rawOf(JmhResult r, List<JmhResult> rows) {
        Map<String, String> wanted = new LinkedHashMap<>(r.params());
        wanted.put(IMPL, RoundTripLinks.RAW_ECHO);
        return rows.stream()
                .filter(o -> o.benchmark().equals(r.benchmark()) && o.params().equals(wanted))
                .findFirst();
    }

    private static boolean sameCase(JmhResult a, JmhResult b) {
        return a.param(IMPL).equals(b.param(IMPL)) && a.param(PAYLOAD).equals(b.param(PAYLOAD));
    }

    private static boolean isRaw(JmhResult r) {
        return r.param(IMPL).equals(RoundTripLinks.RAW_ECHO);
    }

    /** The raw echo and the diagnostic raw relay are references: ratios, but no verdict. */
    private static boolean isBaseline(JmhResult r) {
        return r.param(IMPL).startsWith("raw-");
    }

    private static Comparator<JmhResult> byPayloadThenImpl() {
        return Comparator.comparingInt((JmhResult r) -> Integer.parseInt(r.param(PAYLOAD)))
                .thenComparing(r -> r.param("window"))
                .thenComparing(r -> isRaw(r) ? 0 : 1)
                .thenComparing(r -> r.param(IMPL));
    }

    private static List<JmhResult> select(List<JmhResult> all, String prefix) {
        List<JmhResult> rows = new ArrayList<>();
        for (JmhResult r : all) {
            if (r.benchmark().startsWith(prefix)) {
                rows.add(r);
            }
        }
        return rows;
    }

    private static String multiple(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }
}
