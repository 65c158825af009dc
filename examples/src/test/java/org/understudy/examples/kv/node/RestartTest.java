package org.understudy.examples.kv.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.understudy.examples.kv.node.TestCluster.await;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.examples.kv.api.KvService.Consistency;

/**
 * A member restarted on its (chronicle) data dir resumes its data without {@code --initial-cluster};
 * a data dir of another member or cluster is refused with a message.
 */
class RestartTest {

    @TempDir
    Path dir;

    @Test
    void resumesFromANonEmptyDataDirAndRefusesForeignOnes() {
        try (TestCluster cluster = new TestCluster(dir, "chronicle", List.of("solo", "other"))) {
            KvConfig first = cluster.config("solo").initialCluster(InitialCluster.parse(cluster.initialCluster(List.of("solo"))))
                    .snapshotCount(20).build();
            KvNode node = cluster.start(first);
            assertThat(node.restarted()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.status().role().equals("leader"));
            long last = 0;
            for (int i = 0; i < 50; i++) { // past two snapshots: the restart restores one and replays the rest
                last = await(node.put("k" + i, ByteString.copyFrom("v" + i, StandardCharsets.UTF_8),
                        OptionalLong.empty(), Optional.empty())).revision();
            }
            String clusterId = node.clusterId();
            cluster.close();

            // Same command line minus --initial-cluster: it resumes from the data dir.
            KvConfig again = cluster.config("solo").snapshotCount(20).build();
            KvNode resumed = cluster.start(again);
            assertThat(resumed.restarted()).isTrue();
            assertThat(resumed.clusterId()).isEqualTo(clusterId);
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.status().role().equals("leader"));
            long expected = last;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var got = await(resumed.get("k49", Consistency.SERIALIZABLE));
                assertThat(got.value().toStringUtf8()).isEqualTo("v49");
                assertThat(got.revision()).isEqualTo(expected);
            });
            assertThat(await(resumed.get("k0", Consistency.LINEARIZABLE)).value().toStringUtf8()).isEqualTo("v0");
            cluster.close();

            // Another member's name on this data dir, or another cluster's initial cluster: refused.
            assertThatThrownBy(() -> cluster.start(KvConfig.builder("other", dir.resolve("solo")).storage("chronicle")
                    .listenPeer(cluster.peers.get("other")).build()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("belongs to member 'solo'");
            assertThatThrownBy(() -> cluster.start(cluster.config("solo")
                    .initialCluster(InitialCluster.parse(cluster.initialCluster(List.of("solo", "other")))).build()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("another cluster");
            assertThatThrownBy(() -> cluster.start(cluster.config("solo").storage("mapdb").build()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("--storage chronicle");
        }
    }

    @Test
    void aTakenPeerPortIsAClearError() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, "memory", List.of("a"));
                java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            HostPort busy = new HostPort("127.0.0.1", taken.getLocalPort());
            KvConfig config = KvConfig.builder("a", dir.resolve("a")).storage("memory").listenPeer(busy)
                    .initialCluster(InitialCluster.parse("a=" + busy)).build();
            assertThatThrownBy(() -> cluster.start(config)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("cannot listen for peers on " + busy);
        }
    }
}
