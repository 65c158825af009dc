package org.understudy.client.balancer;

import java.util.PriorityQueue;
import org.understudy.client.balancer.time.Scheduler;

/**
 * A scheduler driven by the test: time moves only in {@link #advance}, and due tasks run on the
 * test's thread in (time, scheduling order). Makes every scenario deterministic.
 */
final class ManualScheduler implements Scheduler {

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now = 1_000;
    private long seq;

    private final class Task implements Cancellable {
        final long at;
        final long seq;
        final Runnable run;

        Task(long at, long seq, Runnable run) {
            this.at = at;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public void cancel() {
            queue.remove(this);
        }
    }

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Task t = new Task(now + Math.max(0, delayMillis), seq++, task);
        queue.add(t);
        return t;
    }

    /** Runs everything due within the next {@code millis}, then sets the clock to that time. */
    void advance(long millis) {
        long target = now + millis;
        while (!queue.isEmpty() && queue.peek().at <= target) {
            Task t = queue.poll();
            now = Math.max(now, t.at);
            t.run.run();
        }
        now = target;
    }

    /** Runs what is due now (including tasks scheduled with no delay by those tasks). */
    void runDue() {
        advance(0);
    }

    int pending() {
        return queue.size();
    }
}
