package org.understudy.bench.storage;

import static org.understudy.bench.report.Figures.count;
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
 * Turns a JMH JSON result file of the storage benchmarks into the Markdown tables of
 * {@code bench/RESULTS.md}, with every engine's figure as a ratio of the raw baseline measured in
 * the same run.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.understudy.bench.storage.StorageRatioReport bench/target/storage.json</pre>
 *
 * <p>Only results present in the file appear: a benchmark that failed (an engine not built yet,
 * say) has no row, and a ratio whose raw baseline is missing shows as "n/a".
 */
public final class StorageRatioReport {

    /** The target: at batch 256 each engine reaches this share of the raw baseline's bytes/s. */
    static final double TARGET_RATIO = 0.5;
    static final int TARGET_BATCH = 256;

    private static final List<String> ENGINE_ORDER = List.of(BenchLogs.RAW, "memory", "mapdb", "chronicle");
    private static final String APPEND = AppendSyncBenchmark.class.getSimpleName() + ".";
    private static final String READ = RandomReadBenchmark.class.getSimpleName() + ".";
    private static final String OPEN = OpenLogBenchmark.class.getSimpleName() + ".";

    private StorageRatioReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: StorageRatioReport <jmh-result.json>");
            System.exit(2);
        }
        System.out.print(render(JmhResult.read(Path.of(args[0]))));
    }

    /** The Markdown tables for every storage result in {@code results}. */
    static String render(List<JmhResult> results) {
        StringBuilder out = new StringBuilder();
        appendTable(results, out);
        readTable(results, out);
        openTable(results, out);
        if (out.length() == 0) {
            out.append("No storage benchmark results in this file.\n");
        }
        return out.toString();
    }

    private static void appendTable(List<JmhResult> all, StringBuilder out) {
        List<JmhResult> rows = select(all, APPEND);
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(Comparator.comparingInt((JmhResult r) -> Integer.parseInt(r.param("entryBytes")))
                .thenComparingInt(r -> Integer.parseInt(r.param("batch")))
                .thenComparing(r -> engineRank(r.param("engine"))));
        out.append("### Append + sync\n\n")
                .append("One invocation = append `batch` entries, then `sync()`. MB = 10^6 payload bytes. ")
                .append("*vs raw* = the engine's bytes/s ÷ the raw baseline's (FileChannel.write + force) at the same batch and entry size, same run. ")
                .append("Target: at batch ").append(TARGET_BATCH).append(" every durable engine ≥ ")
                .append(percent(TARGET_RATIO)).append(" of raw. ± = JMH's 99.9% confidence half-width.\n\n")
                .append("| engine | batch | entry B | batches/s | entries/s | MB/s | vs raw | target |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (JmhResult r : rows) {
            String engine = r.param("engine");
            int batch = Integer.parseInt(r.param("batch"));
            int entryBytes = Integer.parseInt(r.param("entryBytes"));
            double batches = r.opsPerSecond();
            double entries = batches * batch;
            Optional<JmhResult> raw = rows.stream()
                    .filter(o -> o.param("engine").equals(BenchLogs.RAW)
                            && o.param("batch").equals(r.param("batch"))
                            && o.param("entryBytes").equals(r.param("entryBytes")))
                    .findFirst();
            Optional<Double> ratio = raw.map(b -> batches / b.opsPerSecond());
            out.append("| ").append(engine)
                    .append(" | ").append(batch)
                    .append(" | ").append(entryBytes)
                    .append(" | ").append(withError(batches, r))
                    .append(" | ").append(count(entries))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", entries * entryBytes / 1e6))
                    .append(" | ").append(ratio.map(StorageRatioReport::percent).orElse("n/a"))
                    .append(" | ").append(verdict(engine, batch, ratio))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static String verdict(String engine, int batch, Optional<Double> ratio) {
        if (batch != TARGET_BATCH || engine.equals(BenchLogs.RAW) || engine.equals("memory") || ratio.isEmpty()) {
            return "";
        }
        return ratio.get() >= TARGET_RATIO ? "met" : "**missed**";
    }

    private static void readTable(List<JmhResult> all, StringBuilder out) {
        List<JmhResult> rows = select(all, READ);
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(Comparator.comparing(JmhResult::benchmark).thenComparing(r -> engineRank(r.param("engine"))));
        out.append("### Random reads\n\n")
                .append("Uniformly random single-entry reads from a prefilled log (page cache warm). ")
                .append("*vs raw* = the engine's reads/s ÷ the raw file's (one pread + CRC per read), same run.\n\n")
                .append("| engine | read | log | ops/s | µs/op | vs raw |\n")
                .append("|---|---|---|---:|---:|---:|\n");
        for (JmhResult r : rows) {
            double ops = r.opsPerSecond();
            Optional<Double> ratio = rows.stream()
                    .filter(o -> o.param("engine").equals(BenchLogs.RAW) && o.benchmark().equals(r.benchmark())
                            && o.params().equals(withEngine(r, BenchLogs.RAW)))
                    .findFirst()
                    .map(b -> ops / b.opsPerSecond());
            out.append("| ").append(r.param("engine"))
                    .append(" | ").append(method(r))
                    .append(" | ").append(count(Double.parseDouble(r.param("logEntries")))).append(" × ")
                    .append(r.param("entryBytes")).append(" B")
                    .append(" | ").append(withError(ops, r))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", 1e6 / ops))
                    .append(" | ").append(ratio.map(StorageRatioReport::percent).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void openTable(List<JmhResult> all, StringBuilder out) {
        List<JmhResult> rows = select(all, OPEN);
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(Comparator.comparing(r -> engineRank(r.param("engine"))));
        out.append("### Open time\n\n")
                .append("Open the log, read `lastIndex()` and `term(lastIndex())`, close; one open per iteration (SingleShotTime), page cache warm. ")
                .append("*× raw* = the engine's time ÷ the raw file's (one sequential scan checking every CRC), same run.\n\n")
                .append("| engine | log | ms per open | × raw |\n")
                .append("|---|---|---:|---:|\n");
        for (JmhResult r : rows) {
            double millis = r.millisPerOp();
            Optional<Double> ratio = rows.stream()
                    .filter(o -> o.param("engine").equals(BenchLogs.RAW) && o.params().equals(withEngine(r, BenchLogs.RAW)))
                    .findFirst()
                    .map(b -> millis / b.millisPerOp());
            out.append("| ").append(r.param("engine"))
                    .append(" | ").append(count(Double.parseDouble(r.param("logEntries")))).append(" × ")
                    .append(r.param("logEntryBytes")).append(" B")
                    .append(" | ").append(withError(millis, r))
                    .append(" | ").append(ratio.map(x -> String.format(Locale.ROOT, "%.2f×", x)).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
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

    private static Map<String, String> withEngine(JmhResult r, String engine) {
        Map<String, String> params = new LinkedHashMap<>(r.params());
        params.put("engine", engine);
        return params;
    }

    private static String method(JmhResult r) {
        return r.benchmark().substring(r.benchmark().indexOf('.') + 1);
    }

    private static int engineRank(String engine) {
        int rank = ENGINE_ORDER.indexOf(engine);
        return rank >= 0 ? rank : ENGINE_ORDER.size();
    }

    /** A ratio as a percentage; from 10× up (the in-memory engine against a disk) as a multiple. */
    private static String percent(double ratio) {
        return ratio >= 10 ? String.format(Locale.ROOT, "%,.0f×", ratio) : String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }
}
