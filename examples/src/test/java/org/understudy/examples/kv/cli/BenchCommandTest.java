package org.understudy.examples.kv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.understudy.examples.kv.node.TestPorts;
import picocli.CommandLine;

/**
 * {@code raft-kv bench} on the command line: every bad option exits 2 with {@code Error: CODE: sentence}
 * and the usage (no stack trace); a cluster that is not there exits 1 with its code before any load.
 * The runs against a real cluster are in {@code process.BenchTest}.
 */
class BenchCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String args) {
        CommandLine cl = RaftKvMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args.split(" "));
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "bench --clients 0                                | BAD_CLIENTS",
            "bench --clients many                             | BAD_FLAG",
            "bench --bogus                                    | BAD_FLAG",
            "bench --mode open                                | BAD_MODE",
            "bench --mode fixed-rate                          | RATE_REQUIRED",
            "bench --rate 100                                 | RATE_WITHOUT_FIXED_RATE",
            "bench --mode fixed-rate --rate -5                | BAD_RATE",
            "bench --read-ratio 1.5                           | BAD_READ_RATIO",
            "bench --value-bytes 2000000                      | BAD_VALUE_BYTES",
            "bench --keys 0                                   | BAD_KEYS",
            "bench --duration 0s                              | BAD_DURATION",
            "bench --duration soon                            | BAD_FLAG",
            "bench --warmup -1s                               | BAD_WARMUP",
            "bench --timeout 0ms                              | BAD_TIMEOUT",
            "bench --protocol grpc                            | BAD_PROTOCOL",
            "bench --endpoints 127.0.0.1:2379,nohost          | BAD_ENDPOINT",
            "bench --protocol http --cert c.pem --key k.pem   | BAD_TLS",
            "bench --protocol http --cacert /nonexistent/ca.pem | BAD_TLS",
            "bench --cacert /nonexistent/ca.pem               | RPC_TLS_NEEDS_CLIENT_CERT"})
    void aBadOptionExits2WithItsCodeAndTheUsage(String args, String code) {
        Run r = run(args.strip());
        assertThat(r.exit()).as("exit code of '%s' (stderr: %s)", args, r.err()).isEqualTo(2);
        assertThat(r.err()).as("stderr of '%s'", args).startsWith("Error: " + code + ": ").contains("Usage: raft-kv bench")
                .doesNotContain("\tat ", "Exception");
        assertThat(r.err().lines().findFirst().orElseThrow()).as("one line says what is wrong").contains("--");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aClusterThatIsNotThereExits1WithItsCodeOverEitherProtocol() {
        int port = TestPorts.free();
        for (String protocol : new String[] {"rpc", "http"}) {
            Run r = run("bench --protocol " + protocol + " --endpoints 127.0.0.1:" + port + " --duration 1s --warmup 0s"
                    + " --timeout 1s");
            assertThat(r.exit()).as("%s: stderr %s", protocol, r.err()).isEqualTo(1);
            assertThat(r.err()).as(protocol).startsWith("Error: UNAVAILABLE: ").contains("127.0.0.1:" + port)
                    .doesNotContain("Usage:", "\tat ");
            assertThat(r.out()).as("no summary without a run").isEmpty();
        }
    }

    @Test
    void theOtherCommandsKeepTheirUsualMessages() {
        Run r = run("ctl --bogus");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("Unknown option: '--bogus'").doesNotContain("BAD_FLAG");
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("bench --help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--endpoints", "--protocol", "--cacert", "--clients", "--mode", "--rate",
                "--read-ratio", "--value-bytes", "--keys", "--duration", "--warmup", "--seed");
    }
}
