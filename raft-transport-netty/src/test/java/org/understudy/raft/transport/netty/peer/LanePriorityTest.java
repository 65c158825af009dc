package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotChunk;
import org.understudy.raft.spi.Transport;

/**
 * The lanes at work (DESIGN.md §6, the seed's Figure 1): while 500 MB of snapshot chunks stream from
 * node 1 to node 2 as fast as the bulk lane allows, heartbeats from 1 to 2 and their answers keep
 * round-tripping far inside an election timeout. Run once with node 2 a learner (its bulk lane
 * rate-limited, and the limit is checked) and once a voter (unlimited: the bulk lane saturates the
 * loopback and both cores).
 *
 * <p>The bulk sender keeps a window of chunks in flight (released as node 2 receives them), like
 * the runtime's snapshot streaming, so the test measures the lanes and not its own queueing. The
 * learner limit is raised to 160 MiB/s for the test so that 500 MB take about three seconds (at the
 * default 32 MiB/s they would take sixteen).
 */
class LanePriorityTest {
    private static final long MIB = 1 << 20;
    private static final long BULK_BYTES = 500_000_000L;
    private static final int CHUNK_BYTES = (int) MIB;
    private static final int WINDOW = 6; // chunks in flight: below the bulk lane's 8 MiB bound
    private static final long LEARNER_LIMIT = 160 * MIB;
    private static final long ELECTION_TIMEOUT_MILLIS = 1000; // RaftNode's default: 10 ticks of 100 ms
    private static final long HEARTBEAT_PERIOD_MILLIS = 10;

    /** What a run measured. */
    private record Run(long bulkBytes, long elapsedNanos, long heartbeatsSent, long heartbeatsAnswered,
            long maxRoundTripNanos, long p50Nanos, long p99Nanos) {
        double mibPerSecond() {
            return bulkBytes / (double) MIB / (elapsedNanos / 1e9);
        }
    }

    @Test
    void heartbeatsStayPromptWhile500MbStreamToARateLimitedLearner() throws Exception {
        Run run = stream(true);
        report("learner, limit " + LEARNER_LIMIT / MIB + " MiB/s", run);
        assertPrompt(run);
        // the limiter held: 500 MB at most at the limit (plus one burst and one chunk of debt)
        double floorSeconds = (run.bulkBytes() - LEARNER_LIMIT / 20.0 - CHUNK_BYTES) / LEARNER_LIMIT;
        assertThat(run.elapsedNanos() / 1e9).as("seconds for %d bytes at %d B/s", run.bulkBytes(), LEARNER_LIMIT)
                .isGreaterThanOrEqualTo(floorSeconds);
    }

    @Test
    void heartbeatsStayPromptWhile500MbStreamToAVoterUnlimited() throws Exception {
        Run run = stream(false);
        report("voter, unlimited", run);
        assertPrompt(run);
    }

    private static void assertPrompt(Run run) {
        assertThat(run.bulkBytes()).isGreaterThanOrEqualTo(BULK_BYTES);
        assertThat(run.heartbeatsAnswered()).as("heartbeats answered of %d sent", run.heartbeatsSent())
                .isGreaterThanOrEqualTo(run.heartbeatsSent() - 2) // the last may still be in flight
                .isGreaterThan(10);
        assertThat(TimeUnit.NANOSECONDS.toMillis(run.maxRoundTripNanos()))
                .as("slowest heartbeat round trip (ms) against an election timeout of %d ms", ELECTION_TIMEOUT_MILLIS)
                .isLessThan(ELECTION_TIMEOUT_MILLIS / 2);
    }

    private static void report(String what, Run run) {
        System.out.printf("LanePriorityTest [%s]: %d MB of bulk in %.1f s (%.0f MiB/s); %d/%d heartbeats answered, "
                + "round trip p50 %.2f ms, p99 %.2f ms, max %.1f ms%n", what, run.bulkBytes() / 1_000_000,
                run.elapsedNanos() / 1e9, run.mibPerSecond(), run.heartbeatsAnswered(), run.heartbeatsSent(),
                run.p50Nanos() / 1e6, run.p99Nanos() / 1e6, run.maxRoundTripNanos() / 1e6);
    }

    private Run stream(boolean learner) throws Exception {
        SimpleMeterRegistry leaderMeters = new SimpleMeterRegistry();
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        LongAccumulator maxRoundTrip = new LongAccumulator(Math::max, 0);
        Queue<Long> roundTrips = new ConcurrentLinkedQueue<>();
        AtomicLong answered = new AtomicLong(); // measured heartbeats answered
        AtomicLong responses = new AtomicLong(); // all heartbeat responses, warm-up included
        AtomicLong bulkReceived = new AtomicLong();
        Semaphore window = new Semaphore(WINDOW);
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
        try (NettyTransport leader = new NettyTransport(TestTransports.options("lanes", 1, leaderMeters)
                        .learnerBulkBytesPerSecond(LEARNER_LIMIT).build());
                NettyTransport follower = new NettyTransport(TestTransports.options("lanes", 2,
                        new SimpleMeterRegistry()).build())) {
            leader.updatePeer(2, follower.address());
            follower.updatePeer(1, leader.address());
            leader.updatePeerRole(2, learner);
            leader.start(new Transport.Inbound() {
                @Override
                public void onMessage(RaftMessage m) {
                    if (m.getType() != MessageType.MSG_HEARTBEAT_RESP) {
                        return;
                    }
                    responses.incrementAndGet();
                    Long sent = sentAt.remove(m.getIndex());
                    if (sent != null) {
                        long rtt = System.nanoTime() - sent;
                        roundTrips.add(rtt);
                        maxRoundTrip.accumulate(rtt);
                        answered.incrementAndGet();
                    }
                }
            });
            follower.start(m -> {
                if (m.getType() == MessageType.MSG_HEARTBEAT) {
                    follower.send(RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT_RESP).setFrom(2).setTo(1)
                            .setTerm(m.getTerm()).setIndex(m.getIndex()).build());
                } else if (m.getType() == MessageType.MSG_SNAPSHOT_CHUNK) {
                    bulkReceived.addAndGet(m.getChunk().getData().size());
                    window.release();
                }
            });
            assertThat(leader.isRateLimited(2)).isEqualTo(learner);
            warmUp(leader, responses);

            RaftMessage chunk = RaftMessage.newBuilder().setType(MessageType.MSG_SNAPSHOT_CHUNK).setFrom(1).setTo(2)
                    .setTerm(2).setChunk(SnapshotChunk.newBuilder().setTransferId(7)
                            .setData(ByteString.copyFrom(new byte[CHUNK_BYTES]))).build();
            AtomicLong seq = new AtomicLong(1_000);
            AtomicLong pings = new AtomicLong();
            long answeredBefore = answered.get();
            long start = System.nanoTime();
            pinger.scheduleAtFixedRate(() -> {
                long s = seq.incrementAndGet();
                sentAt.put(s, System.nanoTime());
                pings.incrementAndGet();
                leader.send(RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(1).setTo(2).setTerm(2)
                        .setIndex(s).build());
            }, 0, HEARTBEAT_PERIOD_MILLIS, TimeUnit.MILLISECONDS);

            while (bulkReceived.get() < BULK_BYTES) {
                // flow control like the runtime's snapshot window: a chunk leaves when one arrived
                assertThat(window.tryAcquire(10, TimeUnit.SECONDS)).as("a chunk arrived within 10 s; dropped so far: %s",
                        TestTransports.count(leaderMeters, "messages.dropped")).isTrue();
                leader.send(chunk);
            }
            long elapsed = System.nanoTime() - start;
            long bulkBytes = bulkReceived.get(); // what arrived within `elapsed`; the window still lands later
            pinger.shutdown();
            assertThat(pinger.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            long pinged = pings.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() - answeredBefore >= pinged - 2);
            assertThat(TestTransports.count(leaderMeters, "learner.throttled") > 0).isEqualTo(learner);
            long[] sorted = roundTrips.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Run(bulkBytes, elapsed, pinged, answered.get() - answeredBefore, maxRoundTrip.get(),
                    sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99))]);
        } finally {
            pinger.shutdownNow();
        }
    }

    /** Heartbeats until one round trip completed, so that both control connections are up. */
    private static void warmUp(NettyTransport leader, AtomicLong responses) {
        // warm-up probes have indexes below 1000 and no send time: their round trips are not measured
        AtomicLong probe = new AtomicLong();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            leader.send(RaftMessage.newBuilder().setType(MessageType.MSG_HEARTBEAT).setFrom(1).setTo(2).setTerm(2)
                    .setIndex(probe.incrementAndGet() % 1000).build());
            return responses.get() > 0;
        });
    }
}
