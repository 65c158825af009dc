package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The closed loop on a fake clock: each client has one operation in flight, and sends the next when it finishes. */
class ClosedLoopDriverTest {
    private static final long MS = 1_000_000;
    private static final long START = 3 * MS;

    private static LoadOptions options(int clients) {
        return new LoadOptions(clients, BenchMode.CLOSED, OptionalDouble.empty(), 8, 0.5, 100, "k", Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(5), 7, BenchProtocol.RPC);
    }

    /** Holds every operation until the test completes it; counts how many were in flight at most. */
    private static final class HeldTarget implements LoadTarget {
        final Deque<CompletableFuture<OpOutcome>> held = new ArrayDeque<>();
        int sent;
        int mostInFlight;

        @Override
        public CompletableFuture<OpOutcome> execute(BenchOp op) {
            CompletableFuture<OpOutcome> f = new CompletableFuture<>();
            held.add(f);
            sent++;
            mostInFlight = Math.max(mostInFlight, held.size());
            return f;
        }
    }

    @Test
    void eachClientKeepsOneOperationInFlightUntilTheEnd() throws Exception {
        // a server that finishes one operation per millisecond, oldest first
        FakeClock clock = new FakeClock(START);
        HeldTarget target = new HeldTarget();
        LatencyRecorder recorder = new LatencyRecorder();
        LoadPlan plan = LoadPlan.startingAt(START, Duration.ZERO, Duration.ofMillis(100));
        ClosedLoopDriver driver = new ClosedLoopDriver(plan, Workload.forSenders(options(4), 4), target, recorder, clock);

        driver.start();
        assertThat(target.held).hasSize(4);
        while (!target.held.isEmpty()) {
            clock.advance(MS);
            target.held.poll().complete(OpOutcome.OK);
        }

        assertThat(target.mostInFlight).isEqualTo(4);
        // one finish per ms for 100 ms; the four sent last (at 96..99 ms) finish after the end, still counted
        assertThat(target.sent).isEqualTo(103);
        assertThat(driver.awaitFinished(Duration.ZERO)).isTrue();
        LatencyStats all = recorder.fold().all();
        assertThat(all.count()).isEqualTo(103);
        // every operation waits behind the three others in flight: 4 ms (the first four: 1..4 ms)
        // (4000 µs is recorded to HdrHistogram's 3 significant digits: 4000..4001)
        assertThat(all.p50()).isBetween(4000L, 4001L);
        assertThat(all.max()).isBetween(4000L, 4001L);
    }

    @Test
    void operationsThatFinishBeforeTheyAreReturnedDoNotGrowTheStack() throws Exception {
        // 10 s of 1 ms operations completed inside execute(): 10,000 sends on one thread, no recursion
        FakeClock clock = new FakeClock(START);
        LoadTarget immediate = op -> {
            clock.advance(MS);
            return CompletableFuture.completedFuture(op.kind() == OpKind.READ ? OpOutcome.NOT_FOUND : OpOutcome.OK);
        };
        LatencyRecorder recorder = new LatencyRecorder();
        LoadPlan plan = LoadPlan.startingAt(START, Duration.ofSeconds(1), Duration.ofSeconds(10));
        ClosedLoopDriver driver = new ClosedLoopDriver(plan, Workload.forSenders(options(1), 1), immediate, recorder,
                clock);

        driver.start();

        assertThat(driver.awaitFinished(Duration.ZERO)).isTrue();
        assertThat(recorder.finished()).isEqualTo(11_000);
        OutcomeTotals totals = recorder.totals();
        assertThat(totals.finished()).as("the warmup's 1,000 are not recorded").isEqualTo(10_000);
        assertThat(totals.readsNotFound()).isEqualTo(totals.reads());
        assertThat(recorder.fold().all().p99()).isEqualTo(1000);
    }
}
