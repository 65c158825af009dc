package org.understudy.bench.replication;

import static org.understudy.bench.report.Figures.count;
import static org.understudy.bench.report.Figures.number;
import static org.understudy.bench.report.Figures.withError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.understudy.bench.report.Figures;
import org.understudy.bench.report.JmhResult;

/**
 * Turns JMH JSON result files of the replication run into Markdown tables: every 3-voter figure as
 * a ratio of the single node measured in the same run; beside the raw append+fsync
 * ({@code AppendSyncBenchmark}, {@code engine=raw}) and the raw Netty echo
 * ({@code TransportRoundTripBenchmark}, {@code impl=raw-echo}) when the files hold them; and the
 * core microbenchmarks.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.understudy.bench.replication.ReplicationRatioReport bench/target/replication.json [more.json ...]</pre>
 *
 * <p>Several files are read as one run (JMH writes one file per invocation). Only results present
 * appear; a ratio whose counterpart is missing shows as "n/a".
 */
public final class ReplicationRatioReport {

    private static final String THROUGHPUT = "ReplicationThroughputBenchmark.";
    private static final String LATENCY = "ReplicationLatencyBenchmark.";
    private static final String RAW_APPEND = "AppendSyncBenchmark.";
    private static final String ROUND_TRIP = "TransportRoundTripBenchmark.";
    private static final List<String> CORE = List.of("LeaderCoreBenchmark.", "FollowerCoreBenchmark.",
            "LogAppendBenchmark.", "QuorumBenchmark.");
    private static final List<String> IMPL_ORDER = List.of(ClusterImpl.MEMORY_NAME, ClusterImpl.NETTY_CHRONICLE_NAME,
            ClusterImpl.NETTY_MAPDB_NAME);
    private static final String IMPL = "impl";
    private static final String VOTERS = "voters";
    private static final String VALUE = "valueBytes";
    private static final String PROPOSERS = "proposers";

    /** One end-to-end case: everything but the number of voters. */
    private record Case(String impl, int valueBytes, int proposers) {
        static Case of(JmhResult r) {
            return new Case(r.param(IMPL), Integer.parseInt(r.param(VALUE)), Integer.parseInt(r.param(PROPOSERS)));
        }

        boolean matches(JmhResult r, int voters) {
            return r.param(IMPL).equals(impl) && r.param(VALUE).equals(Integer.toString(valueBytes))
                    && r.param(PROPOSERS).equals(Integer.toString(proposers))
                    && r.param(VOTERS).equals(Integer.toString(voters));
        }

        boolean onDisk() {
            return !impl.equals(ClusterImpl.MEMORY_NAME);
        }
    }

    private static final Comparator<Case> CASE_ORDER = Comparator
            .comparingInt((Case c) -> rank(c.impl()))
            .thenComparing(Case::impl)
            .thenComparingInt(Case::valueBytes)
            .thenComparingInt(Case::proposers);

    private ReplicationRatioReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ReplicationRatioReport <jmh-result.json> [more.json ...]");
            System.exit(2);
        }
        List<JmhResult> results = new ArrayList<>();
        for (String file : args) {
            results.addAll(JmhResult.read(Path.of(file)));
        }
        System.out.print(render(results));
    }

    /** The Markdown tables for every replication, baseline and core result in {@code results}. */
    static String render(List<JmhResult> results) {
        List<JmhResult> throughput = select(results, THROUGHPUT);
        List<JmhResult> latency = select(results, LATENCY);
        StringBuilder out = new StringBuilder();
        throughputTable(throughput, out);
        latencyTable(latency, out);
        latencyFloorTable(latency, results, out);
        throughputCeilingTable(throughput, results, out);
        coreTable(results, out);
        if (out.length() == 0) {
            out.append("No replication benchmark results in this file.\n");
        }
        return out.toString();
    }

    private static void throughputTable(List<JmhResult> rows, StringBuilder out) {
        List<Case> cases = cases(rows);
        if (cases.isEmpty()) {
            return;
        }
        out.append("### End-to-end throughput\n\n")
                .append("One operation = propose one command to the leader and wait, with at most `proposers` in flight, until it is ")
                .append("committed and applied on the leader: commits per second with `proposers` outstanding. ")
                .append("*3 vs 1* = the 3-voter cluster's commits/s ÷ the single node's (same impl, size and proposers; same run). ")
                .append("MB/s = 10^6 command bytes per second. ± = JMH's 99.9% confidence half-width.\n\n")
                .append("| impl | value B | proposers | 3 voters commits/s | 1 voter commits/s | 3 vs 1 | MB/s (3 voters) |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Case c : cases) {
            Optional<JmhResult> three = find(rows, r -> c.matches(r, 3));
            Optional<JmhResult> one = find(rows, r -> c.matches(r, 1));
            out.append("| ").append(c.impl())
                    .append(" | ").append(c.valueBytes())
                    .append(" | ").append(c.proposers())
                    .append(" | ").append(three.map(r -> withError(r.opsPerSecond(), r)).orElse("n/a"))
                    .append(" | ").append(one.map(r -> withError(r.opsPerSecond(), r)).orElse("n/a"))
                    .append(" | ").append(ratio(three, one, JmhResult::opsPerSecond).map(ReplicationRatioReport::percent)
                            .orElse("n/a"))
                    .append(" | ").append(three.map(r -> String.format(Locale.ROOT, "%.2f",
                            r.opsPerSecond() * c.valueBytes() / 1e6)).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void latencyTable(List<JmhResult> rows, StringBuilder out) {
        List<Case> cases = cases(rows);
        if (cases.isEmpty()) {
            return;
        }
        out.append("### End-to-end latency\n\n")
                .append("One operation = propose one command to the leader and wait until it is committed and applied on the leader, ")
                .append("while `proposers - 1` other proposals are in flight (JMH sample time). µs. ")
                .append("*× 1 voter* = the 3-voter cluster's percentile ÷ the single node's, same run.\n\n")
                .append("| impl | value B | proposers | p50 µs | p99 µs | p99.9 µs | 1 voter p50 | 1 voter p99 | 1 voter p99.9 ")
                .append("| p50 × 1 voter | p99 × 1 voter |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Case c : cases) {
            Optional<JmhResult> three = find(rows, r -> c.matches(r, 3));
            Optional<JmhResult> one = find(rows, r -> c.matches(r, 1));
            out.append("| ").append(c.impl())
                    .append(" | ").append(c.valueBytes())
                    .append(" | ").append(c.proposers())
                    .append(" | ").append(percentile(three, 50))
                    .append(" | ").append(percentile(three, 99))
                    .append(" | ").append(percentile(three, 99.9))
                    .append(" | ").append(percentile(one, 50))
                    .append(" | ").append(percentile(one, 99))
                    .append(" | ").append(percentile(one, 99.9))
                    .append(" | ").append(ratio(three, one, r -> r.percentileMicros(50)).map(ReplicationRatioReport::multiple)
                            .orElse("n/a"))
                    .append(" | ").append(ratio(three, one, r -> r.percentileMicros(99)).map(ReplicationRatioReport::multiple)
                            .orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    /**
     * With one proposer a replicated commit costs at least a round trip to a follower plus the
     * follower's fsync (the leader's own fsync runs in parallel, thesis §10.2.1); a single node's
     * at least its fsync. Both references come from the same run, at the same size.
     */
    private static void latencyFloorTable(List<JmhResult> latency, List<JmhResult> all, StringBuilder out) {
        List<Case> cases = cases(latency).stream().filter(c -> c.proposers() == 1 && c.onDisk()).toList();
        boolean baselines = cases.stream().anyMatch(c -> rawAppend(all, 1, c.valueBytes()).isPresent()
                || roundTrip(all, "raw-echo", c.valueBytes()).isPresent());
        if (!baselines) {
            return;
        }
        out.append("### Latency beside the raw baselines (1 proposer)\n\n")
                .append("A replicated commit needs at least one round trip to a follower and that follower's fsync (the leader's own ")
                .append("fsync runs in parallel with it, thesis §10.2.1), so its floor is about *raw echo p50* (a raw Netty echo ")
                .append("round trip, `TransportRoundTripBenchmark`) + *raw fsync* (the mean time of one raw `FileChannel.write` + ")
                .append("`force` of one entry, `AppendSyncBenchmark` engine=raw batch=1), same size, same run; a single node's floor ")
                .append("is the fsync alone. *transport p50* is the same round trip through `NettyTransport`. µs.\n\n")
                .append("| impl | value B | 3 voters p50 | raw echo p50 | transport p50 | raw fsync | floor | p50 × floor ")
                .append("| 1 voter p50 | 1 voter × raw fsync |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Case c : cases) {
            Optional<JmhResult> three = find(latency, r -> c.matches(r, 3));
            Optional<JmhResult> one = find(latency, r -> c.matches(r, 1));
            Optional<Double> echo = roundTrip(all, "raw-echo", c.valueBytes()).map(r -> r.percentileMicros(50));
            Optional<Double> transport = roundTrip(all, "understudy", c.valueBytes()).map(r -> r.percentileMicros(50));
            Optional<Double> fsync = rawAppend(all, 1, c.valueBytes()).map(r -> 1e6 / r.opsPerSecond());
            Optional<Double> floor = echo.flatMap(e -> fsync.map(f -> e + f));
            Optional<Double> p50 = three.map(r -> r.percentileMicros(50));
            Optional<Double> singleP50 = one.map(r -> r.percentileMicros(50));
            out.append("| ").append(c.impl())
                    .append(" | ").append(c.valueBytes())
                    .append(" | ").append(p50.map(Figures::number).orElse("n/a"))
                    .append(" | ").append(echo.map(Figures::number).orElse("n/a"))
                    .append(" | ").append(transport.map(Figures::number).orElse("n/a"))
                    .append(" | ").append(fsync.map(Figures::number).orElse("n/a"))
                    .append(" | ").append(floor.map(Figures::number).orElse("n/a"))
                    .append(" | ").append(divide(p50, floor).map(ReplicationRatioReport::multiple).orElse("n/a"))
                    .append(" | ").append(singleP50.map(Figures::number).orElse("n/a"))
                    .append(" | ").append(divide(singleP50, fsync).map(ReplicationRatioReport::multiple).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    /**
     * With {@code proposers} in flight a node can at best make all of them durable with one
     * append+fsync: the raw baseline's entries/s at {@code batch = proposers} bounds its commits/s.
     */
    private static void throughputCeilingTable(List<JmhResult> throughput, List<JmhResult> all, StringBuilder out) {
        List<Case> cases = cases(throughput).stream().filter(Case::onDisk)
                .filter(c -> rawAppend(all, c.proposers(), c.valueBytes()).isPresent()).toList();
        if (cases.isEmpty()) {
            return;
        }
        out.append("### Throughput beside the raw append+fsync\n\n")
                .append("With `proposers` in flight a node can at best make them all durable with one write + fsync, so the raw ")
                .append("baseline (`AppendSyncBenchmark` engine=raw: `FileChannel.write` + `force` of a batch of `proposers` entries ")
                .append("of the same size, same run) bounds commits/s at its entries/s. *vs raw* = commits/s ÷ that bound.\n\n")
                .append("| impl | value B | proposers | raw entries/s (batch = proposers) | 1 voter commits/s | 1 voter vs raw ")
                .append("| 3 voters commits/s | 3 voters vs raw |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Case c : cases) {
            double raw = rawAppend(all, c.proposers(), c.valueBytes()).orElseThrow().opsPerSecond() * c.proposers();
            Optional<Double> three = find(throughput, r -> c.matches(r, 3)).map(JmhResult::opsPerSecond);
            Optional<Double> one = find(throughput, r -> c.matches(r, 1)).map(JmhResult::opsPerSecond);
            out.append("| ").append(c.impl())
                    .append(" | ").append(c.valueBytes())
                    .append(" | ").append(c.proposers())
                    .append(" | ").append(count(raw))
                    .append(" | ").append(one.map(Figures::count).orElse("n/a"))
                    .append(" | ").append(one.map(x -> percent(x / raw)).orElse("n/a"))
                    .append(" | ").append(three.map(Figures::count).orElse("n/a"))
                    .append(" | ").append(three.map(x -> percent(x / raw)).orElse("n/a"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void coreTable(List<JmhResult> all, StringBuilder out) {
        List<JmhResult> rows = new ArrayList<>();
        for (JmhResult r : all) {
            if (CORE.stream().anyMatch(r.benchmark()::startsWith)) {
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(Comparator.comparingInt((JmhResult r) -> coreRank(r.benchmark()))
                .thenComparing(JmhResult::benchmark)
                .thenComparing(r -> r.param("config"))
                .thenComparingInt(r -> r.param("entries").isEmpty() ? 0 : Integer.parseInt(r.param("entries"))));
        out.append("### Core (no I/O, no threads)\n\n")
                .append("`LeaderCoreBenchmark.round`: a leader of two followers proposes `entries` commands, stores them, takes one ")
                .append("acknowledgement from each follower and hands out the commit. `FollowerCoreBenchmark.round`: a follower takes ")
                .append("one append of `entries` entries, stores them, acknowledges and hands out what it learns is committed. ")
                .append("`LogAppendBenchmark`: `storageAppend` = `MemoryLogStorage` append + sync of `entries` entries; `coreAppend` = ")
                .append("the same through a single voter's core (propose, Ready, store, advance, commit). `QuorumBenchmark`: one ")
                .append("acknowledgement moves, then the committed index over `config` voters (`joint-3-3` = (1 2 4)&&(1 2 3)); ")
                .append("`committedIndex` is the pure function, `trackerCommitted` the leader's progress-map path. ")
                .append("Entries/s = ops/s × `entries`. ± = JMH's 99.9% confidence half-width.\n\n")
                .append("| benchmark | config / entries | ops/s | ns/op | entries/s |\n")
                .append("|---|---|---:|---:|---:|\n");
        for (JmhResult r : rows) {
            double ops = r.opsPerSecond();
            String entries = r.param("entries");
            out.append("| ").append(r.benchmark())
                    .append(" | ").append(entries.isEmpty() ? r.param("config") : entries)
                    .append(" | ").append(withError(ops, r))
                    .append(" | ").append(number(1e9 / ops))
                    .append(" | ").append(entries.isEmpty() ? "" : count(ops * Integer.parseInt(entries)))
                    .append(" |\n");
        }
        out.append('\n');
    }

    // ------------------------------------------------------------------ look-ups

    private static Optional<JmhResult> rawAppend(List<JmhResult> all, int batch, int entryBytes) {
        return find(all, r -> r.benchmark().startsWith(RAW_APPEND) && r.param("engine").equals("raw")
                && r.param("batch").equals(Integer.toString(batch))
                && r.param("entryBytes").equals(Integer.toString(entryBytes)));
    }

    private static Optional<JmhResult> roundTrip(List<JmhResult> all, String impl, int payloadBytes) {
        return find(all, r -> r.benchmark().startsWith(ROUND_TRIP) && r.param(IMPL).equals(impl)
                && r.param("payloadBytes").equals(Integer.toString(payloadBytes)));
    }

    private static List<Case> cases(List<JmhResult> rows) {
        TreeSet<Case> cases = new TreeSet<>(CASE_ORDER);
        rows.forEach(r -> cases.add(Case.of(r)));
        return List.copyOf(cases);
    }

    private static Optional<JmhResult> find(List<JmhResult> rows, Predicate<JmhResult> wanted) {
        return rows.stream().filter(wanted).findFirst();
    }

    private static List<JmhResult> select(List<JmhResult> all, String prefix) {
        return all.stream().filter(r -> r.benchmark().startsWith(prefix)).toList();
    }

    private static Optional<Double> ratio(Optional<JmhResult> a, Optional<JmhResult> b,
            ToDoubleFunction<JmhResult> figure) {
        return divide(a.map(figure::applyAsDouble), b.map(figure::applyAsDouble));
    }

    private static Optional<Double> divide(Optional<Double> a, Optional<Double> b) {
        return a.flatMap(x -> b.map(y -> x / y)).filter(x -> !x.isNaN() && !x.isInfinite());
    }

    private static String percentile(Optional<JmhResult> r, double percent) {
        return r.map(x -> x.percentileMicros(percent)).filter(x -> !x.isNaN()).map(Figures::number)
                .orElse("n/a");
    }

    private static int rank(String impl) {
        int i = IMPL_ORDER.indexOf(impl);
        return i >= 0 ? i : IMPL_ORDER.size();
    }

    private static int coreRank(String benchmark) {
        for (int i = 0; i < CORE.size(); i++) {
            if (benchmark.startsWith(CORE.get(i))) {
                return i;
            }
        }
        return CORE.size();
    }

    private static String multiple(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }
}
