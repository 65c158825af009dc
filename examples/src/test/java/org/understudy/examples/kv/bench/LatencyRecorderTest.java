package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
    private static final long US = 1_000;

    @Test
    void readsAndWritesAreRecordedApartAndOutcomesCountedByKind() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 1; i <= 100; i++) {
            r.record(OpKind.WRITE, 0, i * 100 * US, OpOutcome.OK, true); // 0.1 .. 10 ms
            r.record(OpKind.READ, 0, i * US, i % 10 == 0 ? OpOutcome.NOT_FOUND : OpOutcome.OK, true); // 1 .. 100 µs
        }
        r.record(OpKind.WRITE, 0, 1, OpOutcome.error("BAD_REQUEST"), true);
        r.record(OpKind.WRITE, 0, 1, OpOutcome.error("BAD_REQUEST"), true);
        r.record(OpKind.READ, 0, 1, OpOutcome.error("ATTEMPTS_EXHAUSTED"), true);
        r.record(OpKind.READ, 0, 1, OpOutcome.TIMEOUT, true);
        r.record(OpKind.WRITE, 0, 1, OpOutcome.UNKNOWN, true);
        r.record(OpKind.WRITE, 0, 5 * US, OpOutcome.OK, false); // warmup
        r.notSent(3);

        LatencyRecorder.Latencies l = r.fold();
        assertThat(l.writes().count()).isEqualTo(100);
        assertThat(l.writes().p50()).isCloseTo(5_000, org.assertj.core.data.Offset.offset(5L));
        assertThat(l.writes().max()).isCloseTo(10_000, org.assertj.core.data.Offset.offset(10L));
        assertThat(l.reads().count()).isEqualTo(100);
        assertThat(l.reads().p90()).isEqualTo(90);
        assertThat(l.reads().max()).isEqualTo(100);
        assertThat(l.all().count()).isEqualTo(200);

        OutcomeTotals t = r.totals();
        assertThat(t.writes()).isEqualTo(100);
        assertThat(t.reads()).isEqualTo(100);
        assertThat(t.readsNotFound()).isEqualTo(10);
        assertThat(t.errors()).isEqualTo(Map.of("ATTEMPTS_EXHAUSTED", 1L, "BAD_REQUEST", 2L));
        assertThat(t.errorCount()).isEqualTo(3);
        assertThat(t.timeouts()).isEqualTo(1);
        assertThat(t.unknown()).isEqualTo(1);
        assertThat(t.notSent()).isEqualTo(3);
        assertThat(t.finished()).isEqualTo(205);
        assertThat(r.finished()).as("warmup included").isEqualTo(206);
    }

    @Test
    void foldingAddsEachIntervalOnceAndHugeLatenciesAreCappedNotLost() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(OpKind.READ, 0, 10 * US, OpOutcome.OK, true);
        assertThat(r.fold().reads().count()).isEqualTo(1);
        assertThat(r.fold().reads().count()).as("nothing new").isEqualTo(1);
        r.record(OpKind.READ, 0, Long.MAX_VALUE / 2, OpOutcome.OK, true); // beyond an hour
        LatencyStats reads = r.fold().reads();
        assertThat(reads.count()).isEqualTo(2);
        assertThat(reads.max()).isGreaterThanOrEqualTo(LatencyRecorder.HIGHEST_MICROS);
    }
}
