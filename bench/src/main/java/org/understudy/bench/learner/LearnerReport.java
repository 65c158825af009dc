package org.understudy.bench.learner;

import static org.understudy.bench.report.Figures.count;
import static org.understudy.bench.report.Figures.number;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The learner benchmarks' Markdown tables (ready for {@code bench/RESULTS.md}) and their JSON
 * line, with the figures judged against the targets: catch-up at
 * {@value #MIN_CATCH_UP_MBPS} MB/s or more, no election in any phase, and a p99 write latency
 * during catch-up and promotion below {@value #MAX_P99_RATIO} times the steady state's.
 */
final class LearnerReport {
    static final double MIN_CATCH_UP_MBPS = 50;
    static final double MAX_P99_RATIO = 2.0;

    private LearnerReport() {}

    static String markdown(RunInfo info, List<VariantResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("### Learner benchmarks\n\n")
                .append(info.machine()).append("; data dirs on ").append(info.workDirFileSystem()).append(".\n\n")
                .append("3 voters, then 1 learner, each a `raft-kv server` JVM (`-Xmx").append(info.serverHeap())
                .append("`, `--storage chronicle`) on 127.0.0.1. The log is filled with ")
                .append(info.logMib()).append(" MiB of 1 KiB values (").append(count(info.logMib() * 1024L))
                .append(" writes over ").append(count(info.keys())).append(" keys; one log entry = ")
                .append(count(info.entryBytes())).append(" B) over raft-kv's binary protocol with ").append(info.fillWindow())
                .append(" writes in flight; then ")
                .append(info.clients() == 0 ? "no write load runs" : info.clients()
                        + " closed-loop HTTP clients (PUT to the leader) write through every phase, "
                        + (info.rate() == 0 ? "unpaced" : "paced to " + info.rate() + " writes/s together"))
                .append(". Steady window ").append(info.steadySeconds()).append(" s; settling window after the promotion ")
                .append(info.settleSeconds()).append(" s; values from seed ").append(info.seed()).append(".\n\n");
        summary(results, out);
        catchUpTable(results, out);
        phaseTable(results, out);
        promotionTable(results, out);
        return out.toString();
    }

    private static void summary(List<VariantResult> results, StringBuilder out) {
        out.append("#### Against the targets\n\n")
                .append("| variant | catch-up ≥ ").append(number(MIN_CATCH_UP_MBPS)).append(" MB/s | no elections | p99 during catch-up < ")
                .append(multiple(MAX_P99_RATIO)).append(" before | p99 during promotion < ").append(multiple(MAX_P99_RATIO))
                .append(" before |\n|---|---|---|---|---|\n");
        for (VariantResult r : results) {
            out.append("| ").append(r.variant().label())
                    .append(" | ").append(verdict(catchUpMet(r))).append(" (").append(mbps(r.catchUp().logMegabytesPerSecond()))
                    .append(" MB/s)")
                    .append(" | ").append(verdict(noElections(r)))
                    .append(" | ").append(p99Verdict(r, Phases.CATCH_UP))
                    .append(" | ").append(p99Verdict(r, Phases.PROMOTION))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void catchUpTable(List<VariantResult> results, StringBuilder out) {
        out.append("#### Catch-up\n\n")
                .append("*caught up* = from just before `member add` until the learner's applied index reached the leader's ")
                .append("commit index as of the add, the learner's JVM start included (*started* = when it printed its start ")
                .append("line: JVM up, contacted by the leader, node and HTTP API running). *log MB* = that index × one entry's ")
                .append("size, 10^6 bytes; *log MB/s* = log MB ÷ caught-up time (the target's figure); *after start* = log MB ÷ ")
                .append("(caught up − started). *snapshot* = the last snapshot the learner's log says it received: its index, ")
                .append("size, and the time from its first chunk to its last (with log replay it is the founding snapshot at ")
                .append("index 1, a few hundred bytes).\n\n")
                .append("| variant | snapshot-count | entries | log MB | started s | caught up s | log MB/s | after start MB/s ")
                .append("| snapshot index | snapshot MB | snapshot s | snapshot MB/s | target ≥ ")
                .append(number(MIN_CATCH_UP_MBPS)).append(" MB/s |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (VariantResult r : results) {
            CatchUpFigures c = r.catchUp();
            Optional<SnapshotLog.Transfer> s = c.snapshot();
            out.append("| ").append(r.variant().label())
                    .append(" | ").append(count(r.snapshotCount()))
                    .append(" | ").append(count(c.targetIndex()))
                    .append(" | ").append(mbps(c.logBytes() / 1e6))
                    .append(" | ").append(seconds(c.learnerStartSeconds()))
                    .append(" | ").append(seconds(c.seconds()))
                    .append(" | ").append(mbps(c.logMegabytesPerSecond()))
                    .append(" | ").append(mbps(c.afterStartMegabytesPerSecond()))
                    .append(" | ").append(s.map(t -> count(t.index())).orElse("none"))
                    .append(" | ").append(s.map(t -> mbps(t.bytes() / 1e6)).orElse(""))
                    .append(" | ").append(s.map(t -> seconds(t.seconds())).orElse(""))
                    .append(" | ").append(s.map(t -> mbps(t.megabytesPerSecond())).orElse(""))
                    .append(" | ").append(verdict(catchUpMet(r)))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void phaseTable(List<VariantResult> results, StringBuilder out) {
        out.append("#### Write load and elections by phase\n\n")
                .append("*before* = the steady window, 3 voters; *catch-up* = `member add` → caught up; *promotion* = first ")
                .append("promote attempt → a voter on every member, plus the settling window. A write counts in the phase it ")
                .append("was sent in; latency = PUT sent → 200 answered. *p99 × before* = the phase's p99 ÷ the steady window's. ")
                .append("*term changes* = the rise of the highest term any member reported (elections started); ")
                .append("*leader changes* = new terms in which a leader was named (elections won); from every member's ")
                .append("`/v1/status`, polled every ").append(ElectionWatcher.INTERVAL.toMillis()).append(" ms.\n\n")
                .append("| variant | phase | s | writes/s | failed | p50 ms | p99 ms | max ms | p99 × before | term changes | leader changes | targets |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (VariantResult r : results) {
            for (PhaseFigures p : r.phases()) {
                boolean judged = !p.phase().equals(Phases.BEFORE);
                double ratio = r.p99VersusBefore(p.phase());
                List<String> verdicts = new ArrayList<>();
                verdicts.add(p.noElections() ? "no elections: met" : "elections: **missed**");
                if (judged && !Double.isNaN(ratio)) {
                    verdicts.add("p99: " + verdict(ratio < MAX_P99_RATIO));
                }
                out.append("| ").append(r.variant().label())
                        .append(" | ").append(p.phase())
                        .append(" | ").append(seconds(p.seconds()))
                        .append(" | ").append(orNa(p.writesPerSecond()))
                        .append(" | ").append(count(p.failed()))
                        .append(" | ").append(orNa(p.p50Millis()))
                        .append(" | ").append(orNa(p.p99Millis()))
                        .append(" | ").append(orNa(p.maxMillis()))
                        .append(" | ").append(judged && !Double.isNaN(ratio) ? multiple(ratio) : "")
                        .append(" | ").append(p.termChanges())
                        .append(" | ").append(p.leaderChanges())
                        .append(" | ").append(String.join("; ", verdicts))
                        .append(" |\n");
            }
        }
        out.append('\n');
    }

    private static void promotionTable(List<VariantResult> results, StringBuilder out) {
        out.append("#### Promotion\n\n")
                .append("Seconds since the `member add`. *ready* = the leader's `/v1/members` first shows the learner with a lag ≤ ")
                .append(PromotionFigures.READY_LAG).append(" entries (`ctl member add --wait`); *accepted* = the promote that ")
                .append("succeeded was sent (attempts start once caught up, every 100 ms while `LEARNER_NOT_READY`); ")
                .append("*voter everywhere* = from sending it until every member's own `/v1/members` lists a voter.\n\n")
                .append("| variant | ready s | accepted s | refused attempts | promote call ms | voter everywhere ms |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (VariantResult r : results) {
            PromotionFigures p = r.promotion();
            out.append("| ").append(r.variant().label())
                    .append(" | ").append(Double.isNaN(p.readySeconds()) ? "not seen" : seconds(p.readySeconds()))
                    .append(" | ").append(seconds(p.acceptedSeconds()))
                    .append(" | ").append(p.refused())
                    .append(" | ").append(number(p.callMillis()))
                    .append(" | ").append(number(p.voterEverywhereMillis()))
                    .append(" |\n");
        }
        out.append('\n');
    }

    /** One JSON object on one line: the run's setup and every figure ({@code null} for a figure that does not exist). */
    static String jsonLine(RunInfo info, List<VariantResult> results) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", "learner");
        root.put("machine", info.machine());
        root.put("logMib", info.logMib());
        root.put("keys", info.keys());
        root.put("entryBytes", info.entryBytes());
        root.put("fillWindow", info.fillWindow());
        root.put("clients", info.clients());
        root.put("rate", info.rate());
        root.put("steadySeconds", info.steadySeconds());
        root.put("settleSeconds", info.settleSeconds());
        root.put("seed", info.seed());
        root.put("serverHeap", info.serverHeap());
        List<Object> variants = new ArrayList<>();
        for (VariantResult r : results) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("variant", r.variant().label());
            v.put("snapshotCount", r.snapshotCount());
            v.put("fillEntries", r.fillEntries());
            v.put("fillSeconds", json(r.fillSeconds()));
            CatchUpFigures c = r.catchUp();
            Map<String, Object> catchUp = new LinkedHashMap<>();
            catchUp.put("targetIndex", c.targetIndex());
            catchUp.put("logBytes", c.logBytes());
            catchUp.put("learnerStartSeconds", json(c.learnerStartSeconds()));
            catchUp.put("seconds", json(c.seconds()));
            catchUp.put("logMBps", json(c.logMegabytesPerSecond()));
            catchUp.put("afterStartMBps", json(c.afterStartMegabytesPerSecond()));
            catchUp.put("snapshotBytes", c.snapshot().map(SnapshotLog.Transfer::bytes).orElse(null));
            catchUp.put("snapshotIndex", c.snapshot().map(SnapshotLog.Transfer::index).orElse(null));
            catchUp.put("snapshotSeconds", c.snapshot().map(t -> json(t.seconds())).orElse(null));
            catchUp.put("snapshotMBps", c.snapshot().map(t -> json(t.megabytesPerSecond())).orElse(null));
            catchUp.put("snapshotTransfers", c.snapshot().map(SnapshotLog.Transfer::transfers).orElse(0));
            v.put("catchUp", catchUp);
            List<Object> phases = new ArrayList<>();
            for (PhaseFigures p : r.phases()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("phase", p.phase());
                m.put("seconds", json(p.seconds()));
                m.put("ok", p.ok());
                m.put("failed", p.failed());
                m.put("writesPerSecond", json(p.writesPerSecond()));
                m.put("p50Ms", json(p.p50Millis()));
                m.put("p99Ms", json(p.p99Millis()));
                m.put("maxMs", json(p.maxMillis()));
                m.put("p99VersusBefore", json(r.p99VersusBefore(p.phase())));
                m.put("termChanges", p.termChanges());
                m.put("leaderChanges", p.leaderChanges());
                phases.add(m);
            }
            v.put("phases", phases);
            PromotionFigures p = r.promotion();
            Map<String, Object> promotion = new LinkedHashMap<>();
            promotion.put("readySeconds", json(p.readySeconds()));
            promotion.put("acceptedSeconds", json(p.acceptedSeconds()));
            promotion.put("refused", p.refused());
            promotion.put("callMs", json(p.callMillis()));
            promotion.put("voterEverywhereMs", json(p.voterEverywhereMillis()));
            v.put("promotion", promotion);
            Map<String, Object> targets = new LinkedHashMap<>();
            targets.put("catchUpMBps", catchUpMet(r));
            targets.put("noElections", noElections(r));
            targets.put("p99CatchUp", p99Met(r, Phases.CATCH_UP).orElse(null));
            targets.put("p99Promotion", p99Met(r, Phases.PROMOTION).orElse(null));
            v.put("targetsMet", targets);
            variants.add(v);
        }
        root.put("variants", variants);
        try {
            return JSON.std.asString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean catchUpMet(VariantResult r) {
        return r.catchUp().logMegabytesPerSecond() >= MIN_CATCH_UP_MBPS;
    }

    static boolean noElections(VariantResult r) {
        return r.phases().stream().allMatch(PhaseFigures::noElections);
    }

    /** Whether the phase's p99 stayed below the bound; empty when there is no load to judge. */
    static Optional<Boolean> p99Met(VariantResult r, String phase) {
        double ratio = r.p99VersusBefore(phase);
        return Double.isNaN(ratio) ? Optional.empty() : Optional.of(ratio < MAX_P99_RATIO);
    }

    private static String p99Verdict(VariantResult r, String phase) {
        double ratio = r.p99VersusBefore(phase);
        return p99Met(r, phase).map(met -> verdict(met) + " (" + multiple(ratio) + ")").orElse("n/a (no load)");
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    private static Double json(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static String orNa(double v) {
        return Double.isNaN(v) ? "n/a" : number(v);
    }

    private static String mbps(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String seconds(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String multiple(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }
}
