package org.understudy.examples.kv.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The fixed rate: operation {@code i} is due at {@link FixedRateSchedule#dueAt(long) dueAt(i)},
 * and is sent then by whichever of the {@code senders} slots is free. Its latency is measured from
 * when it was <em>due</em>: when every slot is busy (the cluster stalls), the operations that wait
 * for a slot carry the wait in their latency, as a user arriving at that moment would have seen it.
 * That is the correction for coordinated omission; measuring from the actual send would report a
 * stall as one slow operation among fast ones.
 *
 * <p>One dispatcher thread waits for due times and free slots; it is the only thread here that
 * blocks. Completions only record and free a slot, on whichever thread completes them.
 * Operations due before the end that got no slot by the end are counted as not sent.
 */
public final class FixedRateDriver implements LoadDriver {
    private final LoadPlan plan;
    private final FixedRateSchedule schedule;
    private final Workload workload;
    private final LoadTarget target;
    private final LatencyRecorder recorder;
    private final NanoClock clock;
    private final int senders;
    private final Semaphore slots;
    private final Thread dispatcher;

    public FixedRateDriver(LoadPlan plan, double opsPerSecond, int senders, Workload workload, LoadTarget target,
                           LatencyRecorder recorder, NanoClock clock) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.schedule = new FixedRateSchedule(plan.start(), opsPerSecond);
        this.senders = senders;
        this.slots = new Semaphore(senders);
        this.workload = Objects.requireNonNull(workload, "workload");
        this.target = Objects.requireNonNull(target, "target");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.dispatcher = new Thread(this::dispatchUntilInterrupted, "raft-kv-bench-dispatcher");
        this.dispatcher.setDaemon(true);
    }

    @Override
    public void start() {
        dispatcher.start();
    }

    @Override
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        dispatcher.join(Math.max(1, timeout.toMillis()));
        if (dispatcher.isAlive()) {
            dispatcher.interrupt();
            return false;
        }
        // every slot free again: nothing in flight
        if (!slots.tryAcquire(senders, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        slots.release(senders);
        return true;
    }

    private void dispatchUntilInterrupted() {
        try {
            dispatch();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop: the summary counts what finished
        }
    }

    /**
     * Sends every operation due before the plan's end, each at its due time or as soon after as a
     * slot is free; returns at the end. Runs on the dispatcher thread ({@link #start()}), or on the
     * caller's in tests with a fake clock and a target that completes at once.
     */
    void dispatch() throws InterruptedException {
        long total = schedule.dueBefore(plan.end());
        for (long i = 0; i < total; i++) {
            long due = schedule.dueAt(i);
            clock.sleepUntil(due);
            if (!slots.tryAcquire(Math.max(0, plan.end() - clock.nanoTime()), TimeUnit.NANOSECONDS)) {
                recorder.notSent(countRecorded(i, total));
                return;
            }
            BenchOp op = workload.next();
            target.execute(op).whenComplete((outcome, failure) -> {
                recorder.record(op.kind(), due, clock.nanoTime(),
                        failure == null ? outcome : OpOutcome.error(BalancerTarget.CLIENT_EXCEPTION),
                        plan.recorded(due));
                slots.release();
            });
        }
    }

    /** How many of operations {@code from .. total-1} were due in the recorded part. */
    private long countRecorded(long from, long total) {
        long firstRecorded = schedule.dueBefore(plan.recordFrom());
        return total - Math.max(from, firstRecorded);
    }
}
