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
 * Round-trip latency over loopback with one message outstanding: send a request of
 * {@code payloadBytes} from A to B, wait until B's same-size answer is back at A. Sample time, so
 * the report has the median and the mean (and JMH prints the tail).
 *
 * <p>{@code impl=raw-echo} is the floor ({@link RawEchoLink}: a minimal Netty echo with the same
 * framing and event-loop kind); {@code impl=understudy} is the peer transport
 * ({@link UnderstudyLink}). Both hand the reply to the benchmark thread the same way
 * ({@link ReplySignal}), so the ratio is the transport's own cost. The target: the
 * transport's latency within 1.3× of the raw echo's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(2)
public class TransportRoundTripBenchmark {

    @Param({RoundTripLinks.RAW_ECHO, RoundTripLinks.UNDERSTUDY})
    public String impl;

    @Param({"64", "16384"})
    public int payloadBytes;

    private ReplySignal replies;
    private RoundTripLink link;

    @Setup(Level.Trial)
    public void open() throws InterruptedException {
        replies = new ReplySignal(0);
        link = RoundTripLinks.open(impl, payloadBytes, replies::release);
        roundTrip(); // the transport dials on the first message: connect before anything is timed
        System.out.println("# " + link.describe());
    }

    @TearDown(Level.Trial)
    public void close() {
        long dropped = link.droppedMessages();
        link.close();
        if (dropped > 0) {
            throw new IllegalStateException(impl + " dropped " + dropped + " messages: the latencies are not valid");
        }
    }

    @Benchmark
    public void roundTrip() throws InterruptedException {
        link.send();
        replies.acquire();
    }

    /** The link under test, for the smoke test. */
    RoundTripLink link() {
        return link;
    }
}
