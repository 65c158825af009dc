package org.understudy.examples.kv.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on real raft-kv JVMs: found, stop, restart, a taken port, a server that cannot start, and nothing left running. */
class LocalClusterTest {
    private static final LocalClusterOptions SMALL_JVMS = LocalClusterOptions.defaults()
            .withJvmFlags(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void foundsStopsAndRestartsMembersAndLeavesNoProcessBehind() throws Exception {
        List<ServerProcess> started = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.found(dir, List.of("n1", "n2", "n3"), List.of(), SMALL_JVMS)) {
            LocalMember leader = cluster.awaitLeader();
            assertThat(cluster.members()).extracting(LocalMember::name).containsExactly("n1", "n2", "n3");
            assertThat(cluster.members()).allSatisfy(m -> {
                assertThat(m.idHex()).matches("[0-9a-f]+");
                assertThat(m.endpoint()).startsWith("127.0.0.1:");
                assertThat(m.dataDir()).startsWith(cluster.workDir());
            });
            assertThat(cluster.probe().status(leader.endpoint())).hasValueSatisfying(s -> {
                assertThat(s.isLeader()).isTrue();
                assertThat(s.id()).isEqualTo(leader.idHex());
            });

            LocalMember follower = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
            int exit = cluster.stop(follower);
            assertThat(exit).as("SIGTERM ends the JVM through its shutdown hooks").isEqualTo(143);
            assertThat(follower.isRunning()).isFalse();
            cluster.restart(follower); // fails unless it says "resumed"
            assertThat(follower.runs()).hasSize(2);
            assertThat(cluster.awaitLeader()).isNotNull();

            // A joiner whose (registered) peer port is taken: classified, not retried.
            try (ServerSocket taken = new ServerSocket()) {
                taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = taken.getLocalPort();
                String initial = cluster.members().stream().map(m -> m.name() + "=" + m.peer())
                        .reduce((a, b) -> a + "," + b).orElseThrow() + ",n4=127.0.0.1:" + port;
                assertThatThrownBy(() -> cluster.join("n4", port, initial, List.of()))
                        .isInstanceOfSatisfying(LocalClusterException.class,
                                e -> assertThat(e.reason()).isEqualTo(LocalClusterException.Reason.PORT_TAKEN))
                        .hasMessageContaining("cannot listen");
            }
            cluster.members().forEach(m -> started.addAll(m.runs()));
        }
        assertThat(started).hasSizeGreaterThanOrEqualTo(5).noneMatch(ServerProcess::isAlive);
    }

    @Test
    void aServerThatCannotStartSaysWhyAndNothingKeepsRunning() {
        assertThatThrownBy(() -> LocalCluster.found(dir, List.of("n1"), List.of("--snapshot-count", "0"), SMALL_JVMS))
                .isInstanceOfSatisfying(LocalClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(LocalClusterException.Reason.EXITED_AT_START))
                .hasMessageContaining("--snapshot-count must be positive");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(ServerProcess.MAIN_CLASS))).isEmpty();
    }

    @Test
    void argumentFilesQuoteWhatJavaWouldSplitOrUnescape() {
        assertThat(ServerProcess.quotedForArgFile(List.of("a b", "C:\\x", "say \"hi\"")))
                .containsExactly("\"a b\"", "\"C:\\\\x\"", "\"say \\\"hi\\\"\"");
    }
}
