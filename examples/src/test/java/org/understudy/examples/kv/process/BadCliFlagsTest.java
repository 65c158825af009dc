package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7 / RAFT-KV.md: bad flags (also TLS flags that do not go together) print usage and exit 2; a server that cannot start says why and
 * exits non-zero. Run as real processes, so the exit status is the JVM's, not just picocli's.
 */
class BadCliFlagsTest {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @ParameterizedTest(name = "raft-kv {0}")
    @ValueSource(strings = {"server --bogus", "ctl", "ctl --cert c.pem --key k.pem get k"})
    void badFlagsExit2WithUsage(String args) {
        JavaProcess.Finished r = JavaProcess.run(dir, "cli-" + args.replace(' ', '_'), List.of(args.split(" ")),
                RUN_TIMEOUT);
        assertThat(r.exit()).as("exit status of 'raft-kv %s'; stderr: %s", args, r.err()).isEqualTo(2);
        assertThat(r.err()).as("stderr of 'raft-kv %s'", args).contains("Usage:");
    }

    @Test
    void aServerWhoseClientPortIsTakenSaysWhyAndExits1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int peer = FreePorts.pick();
            List<String> args = new ArrayList<>(List.of("server", "--name", "n1", "--data-dir",
                    dir.resolve("data").toString(), "--storage", "memory", "--listen-peer", "127.0.0.1:" + peer,
                    "--listen-client", "127.0.0.1:" + taken.getLocalPort(), "--initial-cluster", "n1=127.0.0.1:" + peer));
            JavaProcess.Finished r = JavaProcess.run(dir, "server-port-taken", args, RUN_TIMEOUT);
            assertThat(r.exit()).as("exit status; stderr: %s", r.err()).isEqualTo(1);
            assertThat(r.err()).contains("raft-kv server: cannot start: ", "--listen-client",
                    String.valueOf(taken.getLocalPort()));
            assertThat(r.err()).doesNotContain("Usage:");
        }
    }
}
