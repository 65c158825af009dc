package org.understudy.examples.kv.bench;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Once a second, on a thread of its own, takes in what the {@link LatencyRecorder} recorded and hands
 * a {@link Progress} to the sink (which prints it). Nothing it does touches the senders: they keep
 * recording while it reads.
 */
public final class ProgressReporter implements AutoCloseable {
    private final LoadPlan plan;
    private final LatencyRecorder recorder;
    private final LeaderChanges leaders;
    private final NanoClock clock;
    private final Consumer<Progress> sink;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raft-kv-bench-progress");
        t.setDaemon(true);
        return t;
    });
    private long lastTick;
    private long lastFinished;

    public ProgressReporter(LoadPlan plan, LatencyRecorder recorder, LeaderChanges leaders, NanoClock clock,
                            Consumer<Progress> sink) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.leaders = Objects.requireNonNull(leaders, "leaders");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.lastTick = plan.start();
    }

    /** Reports every second from now on, until {@link #close()}. */
    public void start() {
        timer.scheduleAtFixedRate(() -> sink.accept(tick()), 1, 1, TimeUnit.SECONDS);
    }

    /** The progress now; ops/s since the previous call. Called on the timer thread only (or by tests). */
    Progress tick() {
        long now = clock.nanoTime();
        long finished = recorder.finished();
        double seconds = (now - lastTick) / 1e9;
        double opsPerSecond = seconds <= 0 ? 0 : (finished - lastFinished) / seconds;
        lastTick = now;
        lastFinished = finished;
        boolean warmup = now < plan.recordFrom();
        double elapsed = (warmup ? now - plan.start() : Math.min(now, plan.end()) - plan.recordFrom()) / 1e9;
        double length = warmup ? (plan.recordFrom() - plan.start()) / 1e9 : plan.recordedSeconds();
        return new Progress(warmup, elapsed, length, opsPerSecond, recorder.fold().all(), recorder.totals(),
                leaders.observe());
    }

    /** Stops reporting; a report being printed is finished first. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller is being stopped too; the timer thread is a daemon
        }
    }
}
