package org.understudy.bench.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.understudy.bench.storage.BenchDirectory;

/**
 * Runs both replication benchmarks' setup, a few hundred operations and teardown outside JMH for
 * every implementation (the throughput one on three voters, the latency one on the single-node
 * baseline), so that broken benchmark code fails the default build in seconds; and checks that
 * the proposals really commit on every node and that a closed cluster leaves nothing behind: no
 * thread, no folder, no listening port. Ticks are shortened to 50 ms so elections take well under
 * a second.
 */
class ReplicationBenchmarksSmokeTest {
    private static final long SMOKE_TICK_MILLIS = 50;

    @TempDir
    Path base;

    private String previousBenchDir;

    @BeforeEach
    void pointBenchDirAtTempDir() {
        previousBenchDir = System.getProperty(BenchDirectory.PROPERTY);
        System.setProperty(BenchDirectory.PROPERTY, base.toString());
    }

    @AfterEach
    void restoreBenchDir() {
        if (previousBenchDir == null) {
            System.clearProperty(BenchDirectory.PROPERTY);
        } else {
            System.setProperty(BenchDirectory.PROPERTY, previousBenchDir);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ClusterImpl.MEMORY_NAME, ClusterImpl.NETTY_CHRONICLE_NAME, ClusterImpl.NETTY_MAPDB_NAME})
    void throughputOnThreeVoters(String impl) throws Exception {
        ReplicationThroughputBenchmark bench = new ReplicationThroughputBenchmark();
        bench.impl = impl;
        bench.voters = 3;
        bench.valueBytes = 64;
        bench.proposers = 8;
        bench.tickMillis = SMOKE_TICK_MILLIS;
        bench.openWindow();
        bench.startCluster();
        BenchCluster cluster = bench.cluster();
        Footprint footprint = Footprint.of(cluster);
        try {
            assertThat(cluster.dir()).startsWith(base);
            assertThat(cluster.nodes()).hasSize(3);
            for (int iteration = 0; iteration < 2; iteration++) {
                for (int i = 0; i < 150; i++) {
                    bench.propose();
                }
                bench.awaitInFlight(); // every proposal committed, or it throws after its timeout
                assertThat(bench.window().freeSlots()).isEqualTo(8);
            }
            long expected = 1 + 300; // the setup's first command, then the benchmark's
            long leader = cluster.leader().id();
            assertThat(cluster.machine(leader).commands()).as("applied on the leader").isEqualTo(expected);
            assertThat(cluster.machine(leader).bytes()).isEqualTo(expected * 64);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (long id : cluster.nodes().keySet()) {
                    assertThat(cluster.machine(id).commands()).as("applied on node %d", id).isEqualTo(expected);
                }
            });
        } finally {
            bench.stopCluster();
        }
        assertThat(bench.cluster()).isNull();
        footprint.assertReleased(impl.startsWith("netty"));
    }

    @ParameterizedTest
    @ValueSource(strings = {ClusterImpl.MEMORY_NAME, ClusterImpl.NETTY_CHRONICLE_NAME, ClusterImpl.NETTY_MAPDB_NAME})
    void latencyOnASingleNode(String impl) throws Exception {
        ReplicationLatencyBenchmark bench = new ReplicationLatencyBenchmark();
        bench.impl = impl;
        bench.voters = 1;
        bench.valueBytes = 1024;
        bench.proposers = 4;
        bench.tickMillis = SMOKE_TICK_MILLIS;
        bench.startCluster();
        BenchCluster cluster = bench.cluster();
        Footprint footprint = Footprint.of(cluster);
        try {
            long previous = 0;
            for (int iteration = 0; iteration < 2; iteration++) {
                bench.startLoad();
                for (int i = 0; i < 50; i++) {
                    long count = bench.propose(); // the state machine's count after this command
                    assertThat(count).isGreaterThan(previous);
                    previous = count;
                }
                bench.stopLoad(); // the 3 background chains end and none failed
            }
            // 1 first command + 100 timed ones + at least one background command per chain and iteration
            assertThat(cluster.machine(cluster.leader().id()).commands()).isGreaterThanOrEqualTo(1 + 100 + 2 * 3);
        } finally {
            bench.stopCluster();
        }
        footprint.assertReleased(impl.startsWith("netty"));
    }

    @Test
    void oneProposerIsOneProposalAtATime() throws Exception {
        ReplicationLatencyBenchmark bench = new ReplicationLatencyBenchmark();
        bench.impl = ClusterImpl.MEMORY_NAME;
        bench.voters = 3;
        bench.valueBytes = 64;
        bench.proposers = 1;
        bench.tickMillis = SMOKE_TICK_MILLIS;
        bench.startCluster();
        try {
            bench.startLoad(); // no background chains
            assertThat(bench.propose()).isEqualTo(2);
            assertThat(bench.propose()).isEqualTo(3);
            bench.stopLoad();
        } finally {
            bench.stopCluster();
        }
    }

    @Test
    void unknownImplementationsAndBadParametersAreNamed() {
        assertThatThrownBy(() -> ClusterImpl.named("rocksdb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown impl 'rocksdb'")
                .hasMessageContaining(ClusterImpl.NETTY_MAPDB_NAME);
        ReplicationThroughputBenchmark bench = new ReplicationThroughputBenchmark();
        bench.impl = ClusterImpl.MEMORY_NAME;
        bench.voters = 3;
        bench.valueBytes = 64;
        bench.proposers = 0;
        assertThatThrownBy(bench::startCluster).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("proposers must be at least 1");
        assertThatThrownBy(() -> BenchCluster.start(ClusterImpl.MEMORY, 0, 50, Values.random(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voters must be at least 1");
        assertThatThrownBy(() -> Values.random(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(base).isEmptyDirectory();
    }

    /** What a running cluster holds: its folder, its threads, its ports; all must be gone after close. */
    private record Footprint(Path dir, List<String> threadPrefixes, List<InetSocketAddress> listening) {
        static Footprint of(BenchCluster cluster) {
            assertThat(ClusterThreads.alive(cluster.threadPrefixes())).as("the cluster's threads").isNotEmpty();
            return new Footprint(cluster.dir(), cluster.threadPrefixes(), cluster.listenAddresses());
        }

        void assertReleased(boolean listens) {
            assertThat(dir).doesNotExist();
            assertThat(ClusterThreads.alive(threadPrefixes)).as("threads left running").isEmpty();
            assertThat(listening.isEmpty()).isEqualTo(!listens);
            for (InetSocketAddress address : listening) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true); // connections in TIME_WAIT are fine; a listener still open is not
                    socket.bind(address);
                } catch (IOException e) {
                    throw new AssertionError(address + " is still taken after close", e);
                }
            }
        }
    }
}
