package org.understudy.client.balancer.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExecutorSchedulerTest {

    @Test
    void runsTasksOnADaemonThreadSurvivesAThrowingTaskAndStopsWhenClosed() throws Exception {
        ExecutorScheduler s = new ExecutorScheduler("test-balancer");
        try {
            AtomicReference<Thread> ran = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.schedule(0, () -> {
                throw new IllegalStateException("expected in this test");
            });
            s.schedule(5, () -> {
                ran.set(Thread.currentThread());
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.get().isDaemon()).isTrue();
            assertThat(ran.get().getName()).startsWith("test-balancer-");

            AtomicBoolean cancelled = new AtomicBoolean();
            s.schedule(60_000, () -> cancelled.set(true)).cancel();
            assertThat(cancelled).isFalse();
        } finally {
            s.close();
        }
        AtomicBoolean after = new AtomicBoolean();
        s.schedule(0, () -> after.set(true)).cancel();
        assertThat(after).as("nothing runs after close").isFalse();
    }

    @Test
    void theClockIsMonotonic() {
        ExecutorScheduler s = new ExecutorScheduler("test-clock");
        try {
            long a = s.nowMillis();
            assertThat(s.nowMillis()).isGreaterThanOrEqualTo(a);
        } finally {
            s.close();
        }
    }
}
