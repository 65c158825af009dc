package org.understudy.bench.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.bench.report.MiniJson;
import org.understudy.examples.kv.local.ServerProcess;

/**
 * The whole learner benchmark on a tiny log (3 MiB, both variants, one-second windows): real raft-kv
 * JVMs on loopback, a learner that catches up by replay and by snapshot, a promotion, a report.
 * The work dir (the members' logs) is kept when the test fails.
 */
class LearnerBenchmarksFlowTest {
    private static final int LOG_MIB = 3;
    private static final int KEYS = 512;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void bothVariantsCatchUpArePromotedAndReported() throws Exception {
        LearnerSettings settings = new LearnerSettings(LOG_MIB, KEYS, 32, 2, 50, 1, 1, 7, "256m",
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), Duration.ofMinutes(2));

        LearnerBenchmarks.Report report = LearnerBenchmarks.run(settings,
                List.of(CatchUpVariant.REPLAY, CatchUpVariant.SNAPSHOT), dir, System.out);

        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(ServerProcess.MAIN_CLASS)))
                .as("raft-kv processes left running").isEmpty();
        assertThat(report.results()).hasSize(2);
        for (VariantResult r : report.results()) {
            CatchUpFigures c = r.catchUp();
            assertThat(c.targetIndex()).as("%s: caught up to", r.variant()).isGreaterThanOrEqualTo(LOG_MIB * 1024L);
            assertThat(c.seconds()).as("%s: catch-up seconds", r.variant()).isPositive()
                    .isGreaterThanOrEqualTo(c.learnerStartSeconds());
            assertThat(c.logMegabytesPerSecond()).isPositive();
            assertThat(r.phases()).extracting(PhaseFigures::phase).containsExactlyElementsOf(Phases.ALL);
            assertThat(r.phases()).allSatisfy(p -> assertThat(p.ok()).as("%s %s: writes", r.variant(), p.phase())
                    .isPositive());
            assertThat(r.promotion().voterEverywhereMillis()).isPositive();
            assertThat(r.promotion().acceptedSeconds()).isGreaterThanOrEqualTo(c.seconds());
        }
        VariantResult replay = report.results().get(0);
        VariantResult snapshot = report.results().get(1);
        // Replay: at most the founding snapshot (index 1, the initial membership), then every entry.
        assertThat(replay.catchUp().snapshot().map(SnapshotLog.Transfer::index).orElse(0L)).isLessThanOrEqualTo(1);
        // Snapshot: the leader had compacted its log, so the learner got the state (every key's 1 KiB value).
        assertThat(snapshot.catchUp().snapshot()).hasValueSatisfying(t -> {
            assertThat(t.index()).isGreaterThan(LOG_MIB * 1024L / 2);
            assertThat(t.bytes()).isGreaterThan(KEYS * 1024L);
        });

        assertThat(report.markdown()).contains("#### Against the targets", "#### Catch-up",
                "#### Write load and elections by phase", "#### Promotion", "| replay |", "| snapshot |",
                "| replay | catch-up |", "| snapshot | promotion |");
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(report.jsonLine());
        List<?> variants = (List<?>) json.get("variants");
        assertThat(variants).hasSize(2);
        for (Object v : variants) {
            Map<?, ?> variant = (Map<?, ?>) v;
            assertThat(variant.keySet().stream().map(String::valueOf)).contains("variant", "snapshotCount", "catchUp", "phases", "promotion",
                    "targetsMet");
            assertThat(((Map<?, ?>) variant.get("catchUp")).keySet().stream().map(String::valueOf)).contains("seconds", "logMBps", "snapshotBytes");
        }
    }
}
