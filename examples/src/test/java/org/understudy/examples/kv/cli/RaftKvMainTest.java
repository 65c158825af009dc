package org.understudy.examples.kv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Bad flags print usage and exit 2; a failure to reach the cluster exits 1 with the code. */
class RaftKvMainTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = RaftKvMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "bogus",
            "server --name n1",
            "server --name n1 --data-dir /tmp/x --bogus",
            "server --name n1 --data-dir /tmp/x --storage floppy",
            "server --name n1 --data-dir /tmp/x --initial-cluster-state maybe",
            "server --name n1 --data-dir /tmp/x --listen-peer nohost",
            "server --name n1 --data-dir /tmp/x --tls-cert a.pem",
            "server --name n1 --data-dir /tmp/x --storage memory --force-new-cluster",
            "server --name n1 --data-dir /tmp/x --client-cert-auth",
            "ctl -w xml get k",
            "ctl get",
            "ctl member add n4",
            "ctl member promote",
            "ctl --timeout soon get k",
            "ctl --cert c.pem --key k.pem get k",
            "ctl --cacert ca.pem --cert c.pem get k",
            "ctl --cacert ca.pem --key k.pem member list",
            "ctl --cacert /nonexistent/ca.pem endpoint health",
            "ctl --cacert ca.pem --endpoints http://127.0.0.1:2379 get k"})
    void badFlagsExit2WithUsage(String args) {
        Run r = run(args.isEmpty() ? new String[0] : args.split(" "));
        assertThat(r.exit()).as("exit code of '%s' (stderr: %s)", args, r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Usage:");
    }

    @Test
    void unreachableClusterExits1WithTheCode() {
        int port = org.understudy.examples.kv.node.TestPorts.free();
        Run r = run("ctl", "--endpoints", "127.0.0.1:" + port, "--timeout", "2s", "get", "k");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: UNAVAILABLE:").contains("no endpoint answered");
    }

    @Test
    void forceNewClusterOnAnEmptyDataDirExits1WithNothingToRecover(@TempDir Path dir) {
        Run r = run("server", "--name", "n1", "--data-dir", dir.resolve("empty").toString(), "--force-new-cluster");
        assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("raft-kv server: cannot start: --force-new-cluster")
                .contains("nothing to recover").doesNotContain("Usage:");
    }

    @Test
    void ctlTlsFlagsSayWhatIsWrong(@TempDir Path dir) throws Exception {
        Path notPem = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        Map<String, List<String>> cases = Map.of(
                "ctl --cert c.pem --key k.pem get k", List.of("--cert and --key need --cacert"),
                "ctl --cacert ca.pem --cert c.pem get k", List.of("--cert and --key go together"),
                "ctl --cacert ca.pem --endpoints http://127.0.0.1:2379 get k", List.of("--cacert talks https",
                        "http://127.0.0.1:2379"),
                "ctl --cacert " + dir.resolve("missing.pem") + " get k", List.of("missing.pem", "does not exist"),
                "ctl --cacert " + notPem + " get k", List.of("cannot use the TLS files", "ca.pem"));
        cases.forEach((args, says) -> {
            Run r = run(args.split(" "));
            assertThat(r.exit()).as("exit code of '%s' (stderr: %s)", args, r.err()).isEqualTo(2);
            assertThat(r.err()).as("stderr of '%s'", args).contains(says).contains("Usage:").doesNotContain("\tat ");
        });
    }

    @Test
    void clientCertAuthWithoutTheTlsFilesExits2() {
        Run r = run("server", "--name", "n1", "--data-dir", "/tmp/x", "--client-cert-auth");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--client-cert-auth", "--tls-cert, --tls-key and --tls-ca", "Usage:");
    }

    @Test
    void helpExits0() {
        Run r = run("ctl", "member", "add", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--peer-url", "--voter", "--wait");
    }
}
