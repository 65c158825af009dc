package org.understudy.examples.kv.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One run of {@code raft-kv bench}: warmup, then the recorded part, with the driver of the chosen
 * mode, a progress report every second, and a wait for the last operations at the end.
 */
public final class LoadRun {
    /** Beyond the operations' own deadline, how long the end waits for them (the balancer completes every one by its deadline). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private LoadRun() {}

    /**
     * Runs {@code options} against {@code target} and returns what it measured.
     *
     * @param endpoints for the summary
     * @param leader the leader's id as the client sees it now, for {@link LeaderChanges}
     * @param progress receives a {@link Progress} once a second, on the reporter's thread
     */
    public static BenchSummary run(LoadOptions options, List<String> endpoints, LoadTarget target, NanoClock clock,
                                   Supplier<Optional<String>> leader, Consumer<Progress> progress)
            throws InterruptedException {
        LoadPlan plan = LoadPlan.startingAt(clock.nanoTime(), options.warmup(), options.duration());
        LatencyRecorder recorder = new LatencyRecorder();
        LeaderChanges leaders = new LeaderChanges(leader);
        leaders.observe();
        LoadDriver driver = switch (options.mode()) {
            case CLOSED -> new ClosedLoopDriver(plan, Workload.forSenders(options, options.clients()), target, recorder,
                    clock);
            case FIXED_RATE -> new FixedRateDriver(plan, options.rate().orElseThrow(), options.clients(),
                    Workload.forSenders(options, 1).get(0), target, recorder, clock);
        };
        boolean complete;
        try (ProgressReporter reporter = new ProgressReporter(plan, recorder, leaders, clock, progress)) {
            reporter.start();
            driver.start();
            clock.sleepUntil(plan.end());
            complete = driver.awaitFinished(options.timeout().plus(DRAIN_GRACE));
        }
        double elapsed = (clock.nanoTime() - plan.start()) / 1e9;
        return new BenchSummary(options, endpoints, recorder.totals(), recorder.fold(), leaders.observe(),
                plan.recordedSeconds(), elapsed, complete);
    }
}
