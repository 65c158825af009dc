package org.understudy.examples.kv.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The closed loop: one client per workload, each with exactly one operation in flight, sending the
 * next as soon as the previous one finished, until the plan's end. Latency is from send to finish.
 *
 * <p>No thread of its own: a client's next operation is sent from the thread that completed the
 * previous one (a transport or timer thread of the balancer), which is fine because sending never
 * blocks. A future that is already complete when returned would make that recursive; each client
 * runs a trampoline instead, so its stack stays flat however its operations complete.
 */
public final class ClosedLoopDriver implements LoadDriver {
    private final LoadPlan plan;
    private final List<Workload> workloads;
    private final LoadTarget target;
    private final LatencyRecorder recorder;
    private final NanoClock clock;
    private final CountDownLatch stopped;

    /** @param workloads one per client */
    public ClosedLoopDriver(LoadPlan plan, List<Workload> workloads, LoadTarget target, LatencyRecorder recorder,
                            NanoClock clock) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.workloads = List.copyOf(workloads);
        this.target = Objects.requireNonNull(target, "target");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stopped = new CountDownLatch(this.workloads.size());
    }

    @Override
    public void start() {
        workloads.forEach(w -> new Client(w).next());
    }

    @Override
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private final class Client {
        private final Workload workload;
        /** Calls of {@link #next} not yet served; only the call that raised it from 0 sends. */
        private final AtomicInteger pending = new AtomicInteger();

        Client(Workload workload) {
            this.workload = workload;
        }

        void next() {
            if (pending.getAndIncrement() != 0) {
                return; // called from inside send(): the loop below sends the next one
            }
            do {
                send();
            } while (pending.decrementAndGet() != 0);
        }

        private void send() {
            long start = clock.nanoTime();
            if (start >= plan.end()) {
                stopped.countDown();
                return;
            }
            BenchOp op = workload.next();
            target.execute(op).whenComplete((outcome, failure) -> {
                recorder.record(op.kind(), start, clock.nanoTime(),
                        failure == null ? outcome : OpOutcome.error(BalancerTarget.CLIENT_EXCEPTION),
                        plan.recorded(start));
                next();
            });
        }
    }
}
