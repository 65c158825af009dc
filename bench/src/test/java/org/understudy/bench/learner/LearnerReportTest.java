package org.understudy.bench.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.understudy.bench.report.MiniJson;

/** The figure math and the verdicts of the learner report, on made-up figures. */
class LearnerReportTest {
    private static final RunInfo INFO = new RunInfo("Machine: test", 128, 65_536, 1056, 64, 4, 100, 20, 10, 42, "1g",
            "ext4");

    @Test
    void oneWriteIsOneLogEntryOfAFixedSize() {
        Workload w = new Workload(65_536, 42);
        // Entry{index varint(2^31-1): 1+5, term 1000: 1+2, data: 1+2+KvCommand}; KvCommand{put: 1+2+Put};
        // Put{key "key-00000000": 1+1+12, value: 1+2+1024} = 1041 -> KvCommand 1044 -> Entry 1056.
        assertThat(w.entryBytes()).isEqualTo(1056);
        assertThat(w.key(65_536 + 7)).isEqualTo("key-00000007");
        assertThat(w.value(3)).hasSize(Workload.VALUE_BYTES).isEqualTo(new Workload(16, 42).value(3));
        assertThat(w.value(3).chars()).allMatch(c -> c >= '!' && c <= '~');
    }

    @Test
    void catchUpRatesAreLogBytesOverTheTimeFromTheAddAndFromTheStartLine() {
        CatchUpFigures c = new CatchUpFigures(131_072, 1056, 2.0, 0.5, Optional.empty());
        assertThat(c.logBytes()).isEqualTo(138_412_032L);
        assertThat(c.logMegabytesPerSecond()).isCloseTo(69.206016, within(1e-6));
        assertThat(c.afterStartMegabytesPerSecond()).isCloseTo(92.274688, within(1e-6));
        assertThat(new CatchUpFigures(10, 1056, 0, 0, Optional.empty()).logMegabytesPerSecond()).isNaN();
    }

    @Test
    void snapshotRateIsItsBytesOverItsTransferTime() {
        SnapshotLog.Transfer t = new SnapshotLog.Transfer(100, 30_000_000, 1.5, 1);
        assertThat(t.megabytesPerSecond()).isCloseTo(20, within(1e-9));
    }

    @Test
    void phaseThroughputAndTheP99RatioToTheSteadyWindow() {
        VariantResult r = result(CatchUpVariant.REPLAY, 60, 10, 25, 15, 0);
        PhaseFigures before = r.phase(Phases.BEFORE).orElseThrow();
        assertThat(before.writesPerSecond()).isCloseTo(100, within(1e-9)); // 2,000 writes in 20 s
        assertThat(r.p99VersusBefore(Phases.CATCH_UP)).isCloseTo(2.5, within(1e-9));
        assertThat(r.p99VersusBefore(Phases.PROMOTION)).isCloseTo(1.5, within(1e-9));
        assertThat(LearnerReport.p99Met(r, Phases.CATCH_UP)).contains(false);
        assertThat(LearnerReport.p99Met(r, Phases.PROMOTION)).contains(true);
        assertThat(LearnerReport.catchUpMet(r)).isTrue();
        assertThat(LearnerReport.noElections(r)).isTrue();
        assertThat(LearnerReport.noElections(result(CatchUpVariant.REPLAY, 60, 10, 10, 10, 1))).isFalse();
    }

    @Test
    void withoutAWriteLoadThereIsNoP99ToJudge() {
        PhaseFigures idle = PhaseFigures.of(Phases.BEFORE, 5, ClosedLoopWriter.Stats.none(),
                new ElectionCounter.Elections(0, 0));
        assertThat(idle.p99Millis()).isNaN();
        VariantResult r = new VariantResult(CatchUpVariant.SNAPSHOT, 1000, 4096, 3, catchUp(40),
                List.of(idle, idle, idle), new PromotionFigures(Double.NaN, 3, 0, 10, 100));
        assertThat(LearnerReport.p99Met(r, Phases.CATCH_UP)).isEmpty();
        assertThat(LearnerReport.markdown(INFO, List.of(r))).contains("n/a (no load)").contains("not seen");
    }

    @Test
    void markdownJudgesEveryTargetAndNamesEveryFigure() {
        String md = LearnerReport.markdown(INFO, List.of(result(CatchUpVariant.REPLAY, 60, 10, 25, 15, 0),
                result(CatchUpVariant.SNAPSHOT, 30, 10, 12, 15, 2)));
        assertThat(md).contains("#### Against the targets", "#### Catch-up", "#### Write load and elections by phase",
                "#### Promotion", "Machine: test", "128 MiB", "paced to 100 writes/s");
        assertThat(md).contains("| replay | met (60.0 MB/s) | met | **missed** (2.50×) | met (1.50×) |");
        assertThat(md).contains("| snapshot | **missed** (30.0 MB/s) | **missed** | met (1.20×) | met (1.50×) |");
        assertThat(md).contains("| replay | catch-up | 2.00 | 100 | 0 | 5.00 | 25.00 | 25.00 | 2.50× | 0 | 0 |");
        assertThat(md).contains("| snapshot | 1,000 | 131,072 | 138.4 | 0.50 | 4.61 | 30.0 | 33.6 | 131,000 | 20.0 | 1.00 | 20.0 | **missed** |");
        assertThat(md).contains("| replay | 1.50 | 2.10 | 3 | 12.50 | 250 |");
    }

    @Test
    void jsonLineCarriesTheFiguresAndNullForFiguresThatDoNotExist() {
        String line = LearnerReport.jsonLine(INFO, List.of(result(CatchUpVariant.SNAPSHOT, 30, 10, 12, 15, 2)));
        assertThat(line).doesNotContain("\n").doesNotContain("NaN");
        Map<?, ?> root = (Map<?, ?>) MiniJson.parse(line);
        assertThat(root.get("benchmark")).isEqualTo("learner");
        assertThat(root.get("logMib")).isEqualTo(128.0);
        Map<?, ?> v = (Map<?, ?>) ((List<?>) root.get("variants")).get(0);
        assertThat(v.get("variant")).isEqualTo("snapshot");
        Map<?, ?> catchUp = (Map<?, ?>) v.get("catchUp");
        assertThat((Double) catchUp.get("logMBps")).isCloseTo(30.0, within(0.05));
        assertThat(catchUp.get("snapshotBytes")).isEqualTo(20_000_000.0);
        List<?> phases = (List<?>) v.get("phases");
        assertThat(phases).hasSize(3);
        Map<?, ?> before = (Map<?, ?>) phases.get(0);
        assertThat(before.get("phase")).isEqualTo("before");
        assertThat(before.get("p99VersusBefore")).isEqualTo(1.0);
        assertThat(((Map<?, ?>) phases.get(1)).get("termChanges")).isEqualTo(2.0);
        Map<?, ?> targets = (Map<?, ?>) v.get("targetsMet");
        assertThat(targets.get("catchUpMBps")).isEqualTo(false);
        assertThat(targets.get("noElections")).isEqualTo(false);
        assertThat(targets.get("p99CatchUp")).isEqualTo(true);
        Map<?, ?> promotion = (Map<?, ?>) v.get("promotion");
        assertThat(promotion.get("readySeconds")).isEqualTo(1.5);
        assertThat(promotion.get("refused")).isEqualTo(3.0);
    }

    /**
     * A variant whose log catches up at {@code catchUpMbps}, with p99s of {@code beforeP99},
     * {@code catchUpP99}, {@code promotionP99} ms and {@code catchUpTerms} elections in the catch-up.
     */
    private static VariantResult result(CatchUpVariant variant, double catchUpMbps, double beforeP99,
            double catchUpP99, double promotionP99, int catchUpTerms) {
        List<PhaseFigures> phases = List.of(
                new PhaseFigures(Phases.BEFORE, 20, 2000, 0, 5, beforeP99, beforeP99, 0, 0),
                new PhaseFigures(Phases.CATCH_UP, 2, 200, 0, 5, catchUpP99, catchUpP99, catchUpTerms,
                        catchUpTerms),
                new PhaseFigures(Phases.PROMOTION, 10, 1000, 0, 5, promotionP99, promotionP99, 0, 0));
        return new VariantResult(variant, variant == CatchUpVariant.REPLAY ? CatchUpVariant.NEVER : 1000, 131_072, 60,
                catchUp(catchUpMbps), phases, new PromotionFigures(1.5, 2.1, 3, 12.5, 250));
    }

    /** 131,072 entries of 1,056 B caught up at {@code mbps} MB/s, started after 0.5 s, a snapshot of 20 MB in 1 s. */
    private static CatchUpFigures catchUp(double mbps) {
        double seconds = 131_072 * 1056 / 1e6 / mbps;
        return new CatchUpFigures(131_072, 1056, seconds, 0.5,
                Optional.of(new SnapshotLog.Transfer(131_000, 20_000_000, 1.0, 1)));
    }

    @Test
    void statsOfAPhaseComeFromItsHistogram() {
        Histogram h = new Histogram(60_000_000, 3);
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 1000L); // 1 ms .. 100 ms
        }
        ClosedLoopWriter.Stats s = new ClosedLoopWriter.Stats(100, 2, h);
        PhaseFigures p = PhaseFigures.of(Phases.CATCH_UP, 4, s, new ElectionCounter.Elections(1, 1));
        assertThat(p.p50Millis()).isCloseTo(50, within(0.1));
        assertThat(p.p99Millis()).isCloseTo(99, within(0.1));
        assertThat(p.maxMillis()).isCloseTo(100, within(0.1));
        assertThat(p.writesPerSecond()).isEqualTo(25);
        assertThat(p.failed()).isEqualTo(2);
        assertThat(p.noElections()).isFalse();
    }
}
