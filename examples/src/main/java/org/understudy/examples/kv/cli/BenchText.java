package org.understudy.examples.kv.cli;

import java.util.List;
import java.util.Locale;
import org.understudy.client.balancer.Endpoint;
import org.understudy.examples.kv.bench.BenchMode;
import org.understudy.examples.kv.bench.BenchSummary;
import org.understudy.examples.kv.bench.LatencyStats;
import org.understudy.examples.kv.bench.LoadOptions;
import org.understudy.examples.kv.bench.OutcomeTotals;
import org.understudy.examples.kv.bench.Progress;

/** The human side of {@code raft-kv bench} on stderr: what it is about to do, its progress, and the outcome. */
final class BenchText {
    private BenchText() {}

    /** {@code raft-kv bench: closed loop, 16 clients, 50% reads, ... seed 42: warmup 3 s, then 30 s}. */
    static String start(LoadOptions o, List<Endpoint> voters) {
        String pace = o.mode() == BenchMode.CLOSED ? "closed loop, " + o.clients() + " clients"
                : "fixed rate " + number(o.rate().orElseThrow()) + " ops/s, at most " + o.clients() + " in flight";
        return "raft-kv bench: " + pace + ", " + Math.round(o.readRatio() * 100) + "% reads, " + o.valueBytes()
                + "-byte values over " + o.keys() + " keys (" + o.keyPrefix() + "N), " + o.protocol().flag() + " to "
                + voters.size() + " voter" + (voters.size() == 1 ? "" : "s") + ", seed " + o.seed() + ": warmup "
                + seconds(o.warmup().toMillis() / 1000.0) + ", then " + seconds(o.duration().toMillis() / 1000.0);
    }

    /** The once-a-second line. */
    static String progress(Progress p) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-6s %3.0f/%.0f s ", p.warmup() ? "warmup" : "run",
                        p.phaseElapsedSeconds(), p.phaseSeconds()))
                .append(ProgressBar.bar(p.phaseSeconds() <= 0 ? 1 : p.phaseElapsedSeconds() / p.phaseSeconds()))
                .append("  ").append(number(p.opsPerSecond())).append(" ops/s");
        if (!p.warmup()) {
            boolean any = p.latency().count() > 0;
            b.append("  p50 ").append(any ? latency(p.latency().p50()) : "-")
                    .append("  p99 ").append(any ? latency(p.latency().p99()) : "-");
            outcomes(b.append("  "), p.totals(), p.leaderChanges());
        }
        return b.toString();
    }

    /** The last line: throughput, both kinds' p50/p99, and what went wrong. */
    static String done(BenchSummary s) {
        StringBuilder b = new StringBuilder("done: ").append(number(s.throughput())).append(" ops/s over ")
                .append(seconds(s.recordedSeconds()))
                .append("; writes ").append(percentiles(s.latencies().writes()))
                .append("; reads ").append(percentiles(s.latencies().reads())).append("; ");
        outcomes(b, s.totals(), s.leaderChanges());
        if (!s.complete()) {
            b.append(" (operations were still in flight when the run stopped waiting: not counted)");
        }
        return b.toString();
    }

    private static void outcomes(StringBuilder b, OutcomeTotals t, long leaderChanges) {
        b.append("errors ").append(t.errorCount());
        if (!t.errors().isEmpty()) {
            b.append(' ').append(t.errors());
        }
        b.append("  timeouts ").append(t.timeouts()).append("  unknown ").append(t.unknown());
        if (t.notSent() > 0) {
            b.append("  not sent ").append(t.notSent());
        }
        b.append("  leader changes ").append(leaderChanges);
    }

    private static String percentiles(LatencyStats l) {
        return l.count() == 0 ? "none" : number(l.count()) + ", p50 " + latency(l.p50()) + " p99 " + latency(l.p99())
                + " max " + latency(l.max());
    }

    /** {@code 0.81 ms}, {@code 12.3 ms}, {@code 1.20 s}. */
    static String latency(long micros) {
        if (micros >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
        }
        return String.format(Locale.ROOT, micros >= 10_000 ? "%.1f ms" : "%.2f ms", micros / 1e3);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String seconds(double s) {
        return (s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.1f", s)) + " s";
    }
}
