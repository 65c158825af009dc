package org.understudy.bench.transport;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round-trip throughput over loopback with a window of {@code window} messages in flight: each
 * operation takes a slot (waiting for a reply if all are taken) and sends one request of
 * {@code payloadBytes}; every reply frees a slot. The score, operations per second, is therefore
 * requests sent with at most {@code window} unanswered, which in steady state is round trips
 * (request and same-size reply) per second. Each iteration ends by waiting for all outstanding
 * replies, so no iteration starts with another's messages in flight.
 *
 * <p>The window is 32 by default: 32 × 16 KiB = 512 KiB stays well inside the control lane's
 * per-peer queue bound (its 1 MiB high watermark), so the transport never drops a message for a
 * full lane, which would leave a slot taken for ever (the teardown fails the run if anything was
 * dropped, and a lost reply fails it after {@link ReplySignal#TIMEOUT_SECONDS}). Same
 * implementations, hand-off and target as {@link TransportRoundTripBenchmark}; the target
 * is at least 70% of the raw echo's throughput.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(2)
public class TransportThroughputBenchmark {

    @Param({RoundTripLinks.RAW_ECHO, RoundTripLinks.UNDERSTUDY})
    public String impl;

    @Param({"64", "16384"})
    public int payloadBytes;

    @Param({"32"})
    public int window;

    private ReplySignal slots;
    private RoundTripLink link;

    @Setup(Level.Trial)
    public void open() throws InterruptedException {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        slots = new ReplySignal(0);
        link = RoundTripLinks.open(impl, payloadBytes, slots::release);
        link.send(); // the transport dials on the first message: connect before anything is timed
        slots.acquire();
        slots.release(window);
        System.out.println("# " + link.describe() + ", window " + window);
    }

    @TearDown(Level.Iteration)
    public void awaitOutstandingReplies() throws InterruptedException {
        slots.acquire(window);
        slots.release(window);
        long dropped = link.droppedMessages();
        if (dropped > 0) {
            throw new IllegalStateException(impl + " dropped " + dropped + " messages: lower the window");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        link.close();
    }

    @Benchmark
    public void send() throws InterruptedException {
        slots.acquire();
        link.send();
    }

    /** Free slots (all of them between iterations), for the smoke test. */
    int freeSlots() {
        return slots.availablePermits();
    }

    /** The link under test, for the smoke test. */
    RoundTripLink link() {
        return link;
    }
}
