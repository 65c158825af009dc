package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fixed-rate driver on a fake clock, against a target that takes a scripted time per operation
 * and completes before it returns (one sender is then exactly one server working through a queue).
 */
class FixedRateDriverTest {
    private static final long MS = 1_000_000;
    private static final long START = 7 * MS;

    /** Takes {@code serviceNanos(i)} of the fake clock for operation {@code i}; records when each was sent. */
    private static final class ServiceTimeTarget implements LoadTarget {
        final FakeClock clock;
        final LongUnaryOperator serviceNanos;
        final List<Long> sentAt = new ArrayList<>();

        ServiceTimeTarget(FakeClock clock, LongUnaryOperator serviceNanos) {
            this.clock = clock;
            this.serviceNanos = serviceNanos;
        }

        @Override
        public CompletableFuture<OpOutcome> execute(BenchOp op) {
            sentAt.add(clock.nanoTime());
            clock.advance(serviceNanos.applyAsLong(sentAt.size() - 1));
            return CompletableFuture.completedFuture(OpOutcome.OK);
        }
    }

    private static LoadOptions options(double rate, int senders) {
        return new LoadOptions(senders, BenchMode.FIXED_RATE, OptionalDouble.of(rate), 8, 0.5, 100, "k", Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(5), 42, BenchProtocol.RPC);
    }

    private static FixedRateDriver driver(LoadPlan plan, double rate, int senders, LoadTarget target,
                                          LatencyRecorder recorder, FakeClock clock) {
        return new FixedRateDriver(plan, rate, senders, Workload.forSenders(options(rate, senders), 1).get(0), target,
                recorder, clock);
    }

    @Test
    void aClusterThatKeepsUpIsSentEveryOperationAtItsDueTime() throws Exception {
        FakeClock clock = new FakeClock(START);
        ServiceTimeTarget target = new ServiceTimeTarget(clock, i -> MS); // 1 ms each, 4 ms apart
        LatencyRecorder recorder = new LatencyRecorder();
        LoadPlan plan = LoadPlan.startingAt(START, Duration.ZERO, Duration.ofSeconds(2));

        driver(plan, 250, 1, target, recorder, clock).dispatch();

        assertThat(target.sentAt).hasSize(500);
        for (int i = 0; i < target.sentAt.size(); i++) {
            assertThat(target.sentAt.get(i)).as("op %d", i).isEqualTo(START + i * 4 * MS);
        }
        LatencyStats all = recorder.fold().all();
        assertThat(all.count()).isEqualTo(500);
        assertThat(all.p50()).isEqualTo(1000);
        assertThat(all.max()).isEqualTo(1000);
        assertThat(recorder.totals().notSent()).isZero();
    }

    @Test
    void aStallShowsInTheLatencyOfEveryOperationThatWasDueDuringIt() throws Exception {
        // 100 ops/s, one sender; the first operation takes 500 ms, every other one no time at all.
        FakeClock clock = new FakeClock(START);
        ServiceTimeTarget target = new ServiceTimeTarget(clock, i -> i == 0 ? 500 * MS : 0);
        LatencyRecorder recorder = new LatencyRecorder();
        LoadPlan plan = LoadPlan.startingAt(START, Duration.ZERO, Duration.ofSeconds(1));

        driver(plan, 100, 1, target, recorder, clock).dispatch();

        // Operations 1..49 were due every 10 ms during the stall and all went out when it ended:
        assertThat(target.sentAt).hasSize(100);
        assertThat(target.sentAt.subList(1, 51)).containsOnly(START + 500 * MS);
        // measured from their due time they took 490, 480, ... 10 ms (from their send, 0 ms: a stall
        // would read as one slow operation among 99 instant ones, p99 ~0)
        LatencyStats all = recorder.fold().all();
        assertThat(all.count()).isEqualTo(100);
        assertThat(all.max()).isCloseTo(500_000, within(500_000));
        assertThat(all.p99()).isCloseTo(490_000, within(490_000));
        assertThat(all.p90()).isCloseTo(400_000, within(400_000));
        assertThat(all.p50()).isEqualTo(1); // operations 50..99, due after the stall: served at once (1 µs floor)
    }

    @Test
    void theWarmupIsSentButNotRecorded() throws Exception {
        FakeClock clock = new FakeClock(START);
        ServiceTimeTarget target = new ServiceTimeTarget(clock, i -> 2 * MS);
        LatencyRecorder recorder = new LatencyRecorder();
        LoadPlan plan = LoadPlan.startingAt(START, Duration.ofSeconds(1), Duration.ofSeconds(1));

        driver(plan, 100, 1, target, recorder, clock).dispatch();

        assertThat(target.sentAt).hasSize(200);
        assertThat(recorder.finished()).isEqualTo(200);
        assertThat(recorder.totals().finished()).isEqualTo(100);
        assertThat(recorder.fold().all().count()).isEqualTo(100);
    }

    @Test
    void whatIsDueWhileEverySenderIsBusyUntilTheEndIsCountedAsNotSent() throws Exception {
        // a cluster that never answers: 3 senders take the first 3 operations and never come back
        FakeClock clock = new FakeClock(START);
        List<CompletableFuture<OpOutcome>> pending = new ArrayList<>();
        LoadTarget silent = op -> {
            CompletableFuture<OpOutcome> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        };
        LatencyRecorder recorder = new LatencyRecorder();
        LoadPlan plan = LoadPlan.startingAt(START, Duration.ZERO, Duration.ofMillis(50)); // the driver waits ~47 ms (real) for a slot
        FixedRateDriver driver = driver(plan, 1000, 3, silent, recorder, clock);

        driver.dispatch();

        assertThat(pending).hasSize(3);
        assertThat(recorder.totals().notSent()).isEqualTo(47);
        assertThat(driver.awaitFinished(Duration.ofMillis(10))).as("3 still in flight").isFalse();
        pending.forEach(f -> f.complete(OpOutcome.TIMEOUT));
        assertThat(recorder.totals().timeouts()).isEqualTo(3);
    }

    private static org.assertj.core.data.Offset<Long> within(long micros) {
        return org.assertj.core.data.Offset.offset(micros / 500 + 1); // HdrHistogram's 3 significant digits
    }
}
