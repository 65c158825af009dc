package org.understudy.bench.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each transport benchmark's setup, a few operations and teardown outside JMH, for both
 * implementations, so that broken benchmark code fails the default build in seconds; and checks
 * that a link leaves nothing behind: no thread, no listening port.
 */
class TransportBenchmarksSmokeTest {

    /** Name prefixes of every thread a link starts (the transport's I/O and DNS threads, the echo's loops). */
    private static final List<String> LINK_THREADS = List.of("understudy-netty-", "understudy-dns-",
            RawEchoLink.THREAD_NAME, RawEchoServer.THREAD_NAME, RawRelayLink.THREAD_NAME);

    @AfterEach
    void restoreIoChoice() {
        System.clearProperty(NettyIo.PROPERTY);
    }

    @ParameterizedTest(name = "{0}, {1} B")
    @CsvSource({"raw-echo, 64", "understudy, 64", "raw-echo, 16384", "understudy, 16384"})
    void roundTripBenchmark(String impl, int payloadBytes) throws Exception {
        TransportRoundTripBenchmark bench = new TransportRoundTripBenchmark();
        bench.impl = impl;
        bench.payloadBytes = payloadBytes;
        bench.open();
        List<InetSocketAddress> listening = bench.link().listenAddresses();
        try {
            assertThat(bench.link().describe()).startsWith(impl + " over ");
            for (int i = 0; i < 20; i++) {
                bench.roundTrip();
            }
            assertThat(bench.link().droppedMessages()).isZero();
        } finally {
            bench.close();
        }
        assertReleased(listening);
    }

    @ParameterizedTest(name = "{0}, {1} B")
    @CsvSource({"raw-echo, 64", "understudy, 64", "raw-echo, 16384", "understudy, 16384"})
    void throughputBenchmark(String impl, int payloadBytes) throws Exception {
        TransportThroughputBenchmark bench = new TransportThroughputBenchmark();
        bench.impl = impl;
        bench.payloadBytes = payloadBytes;
        bench.window = 8;
        bench.prewarmRoundTrips = 0; // a few seconds per case: the smoke test only checks that it works
        bench.open();
        List<InetSocketAddress> listening = bench.link().listenAddresses();
        try {
            for (int iteration = 0; iteration < 2; iteration++) {
                for (int i = 0; i < 100; i++) {
                    bench.send();
                }
                bench.awaitOutstandingReplies(); // all 100 answered, or it throws after its timeout
                assertThat(bench.freeSlots()).isEqualTo(8);
            }
        } finally {
            bench.close();
        }
        assertReleased(listening);
    }

    /** Each request is answered exactly once: no reply lost, none duplicated. */
    @ParameterizedTest
    @ValueSource(strings = {RoundTripLinks.RAW_ECHO, RoundTripLinks.UNDERSTUDY, RoundTripLinks.RAW_RELAY})
    void everyRequestGetsExactlyOneReply(String impl) {
        AtomicInteger replies = new AtomicInteger();
        List<InetSocketAddress> listening;
        try (RoundTripLink link = RoundTripLinks.open(impl, 100, replies::incrementAndGet)) {
            listening = link.listenAddresses();
            for (int i = 0; i < 50; i++) {
                link.send();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> replies.get() >= 50);
            link.send();
            await().atMost(Duration.ofSeconds(5)).until(() -> replies.get() >= 51);
            assertThat(replies.get()).isEqualTo(51);
        }
        assertReleased(listening);
    }

    @Test
    void everyImplementationRunsOnNioWhenAskedTo() throws Exception {
        System.setProperty(NettyIo.PROPERTY, "nio");
        for (String impl : RoundTripLinks.ALL) {
            TransportRoundTripBenchmark bench = new TransportRoundTripBenchmark();
            bench.impl = impl;
            bench.payloadBytes = 64;
            bench.open();
            try {
                assertThat(bench.link().describe()).contains(" over NIO");
                bench.roundTrip();
            } finally {
                bench.close();
            }
        }
    }

    @Test
    void unknownImplementationsAndIoChoicesAreNamed() {
        assertThatThrownBy(() -> RoundTripLinks.open("grpc", 64, () -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown impl 'grpc'")
                .hasMessageContaining(RoundTripLinks.UNDERSTUDY);
        System.setProperty(NettyIo.PROPERTY, "io_uring");
        assertThatThrownBy(NettyIo::selected).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, epoll or nio");
    }

    @Test
    void appendsAboveTheBulkThresholdAreRefused() {
        assertThatThrownBy(() -> RoundTripLinks.open(RoundTripLinks.UNDERSTUDY, 100_000, () -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bulk lane");
        assertNoLinkThreads();
    }

    /** Every listening port is free again and every thread of the link has ended. */
    private static void assertReleased(List<InetSocketAddress> listening) {
        assertThat(listening).isNotEmpty();
        for (InetSocketAddress address : listening) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true); // connections in TIME_WAIT are fine; a listener still open is not
                socket.bind(address);
            } catch (IOException e) {
                throw new AssertionError(address + " is still taken after close", e);
            }
        }
        assertNoLinkThreads();
    }

    private static void assertNoLinkThreads() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(Thread::isAlive)
                .extracting(Thread::getName)
                .noneMatch(name -> LINK_THREADS.stream().anyMatch(name::startsWith)));
    }
}
