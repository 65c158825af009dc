package org.understudy.examples.kv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.examples.kv.di.KvNodes;
import org.understudy.examples.kv.http.KvHttpServer;
import org.understudy.examples.kv.node.HostPort;
import org.understudy.examples.kv.node.InitialCluster;
import org.understudy.examples.kv.node.KvConfig;
import org.understudy.examples.kv.node.KvNode;
import org.understudy.examples.kv.node.TestPorts;

/** {@code ctl} against a real one-member server (KvNode + the HTTP API), in this JVM. */
class CtlAgainstServerTest {

    @TempDir
    Path dir;

    private KvNode node;
    private KvHttpServer http;
    private String endpoint;

    private record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        HostPort peer = new HostPort("127.0.0.1", TestPorts.free());
        HostPort client = new HostPort("127.0.0.1", TestPorts.free());
        node = KvNodes.start(KvConfig.builder("solo", dir.resolve("solo")).storage("memory").listenPeer(peer)
                .listenClient(client).tickMillis(50).snapshotCount(20).initialCluster(InitialCluster.parse("solo=" + peer)).build());
        http = HttpServing.start(node, "solo", client);
        endpoint = client.toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.health().healthy());
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private Run ctl(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "ctl";
        full[1] = "--endpoints";
        full[2] = endpoint;
        System.arraycopy(args, 0, full, 3, args.length);
        picocli.CommandLine cl = RaftKvMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(full), out.toString(), err.toString());
    }

    @Test
    void dataAndMemberCommands() {
        Run put = ctl("put", "greeting", "hello world");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).startsWith("OK, revision ");

        Run get = ctl("get", "greeting");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).contains("greeting", "hello world");
        assertThat(ctl("-w", "json", "get", "greeting", "--serializable").out()).contains("\"value\" : \"hello world\"");

        Run missing = ctl("get", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("Error: KEY_NOT_FOUND: ");

        Run cas = ctl("put", "greeting", "again", "--prev-revision", "0");
        assertThat(cas.exit()).isEqualTo(1);
        assertThat(cas.err()).startsWith("Error: REVISION_MISMATCH: ");

        Run del = ctl("del", "greeting");
        assertThat(del.exit()).isZero();
        assertThat(del.out()).startsWith("deleted");

        Run list = ctl("member", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("solo", "voter (leader)");
        // The leader publishes its client URL into its member record shortly after it is elected.
        await().atMost(Duration.ofSeconds(10)).until(() -> ctl("member", "list").out().contains(endpoint));

        Run add = ctl("member", "add", "n2", "--peer-url", "127.0.0.1:" + TestPorts.free());
        assertThat(add.exit()).as(add.err()).isZero();
        Matcher id = Pattern.compile("with id ([0-9a-f]+)").matcher(add.out());
        assertThat(id.find()).as(add.out()).isTrue();
        assertThat(add.out()).contains("--initial-cluster-state existing", "n2=");

        // With --snapshot-count 20 a learner lagging 2 entries or more is not promoted; this one never
        // started, so it lags the whole log (a fresh learner within the threshold would be accepted:
        // see the NODE helper's report on the membership module).
        Run early = ctl("member", "promote", id.group(1));
        assertThat(early.exit()).isEqualTo(1);
        assertThat(early.err()).startsWith("Error: LEARNER_NOT_READY: ").contains("lag=");

        Run remove = ctl("member", "remove", id.group(1));
        assertThat(remove.exit()).as(remove.err()).isZero();
        assertThat(ctl("member", "list").out()).doesNotContain("n2");

        Run status = ctl("endpoint", "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains(endpoint, "solo", "leader");
        assertThat(ctl("endpoint", "health").exit()).isZero();
    }

    @Test
    void anEarlyPromoteRefusalNamesTheLearnerByTheIdMemberListShows() {
        Run add = ctl("member", "add", "n2", "--peer-url", "127.0.0.1:" + TestPorts.free());
        assertThat(add.exit()).as(add.err()).isZero();
        Matcher added = Pattern.compile("with id ([0-9a-f]+)").matcher(add.out());
        assertThat(added.find()).as(add.out()).isTrue();
        String hex = added.group(1);
        Run list = ctl("member", "list");
        assertThat(list.out()).as("member list shows the learner by this id").containsPattern("(?m)^" + hex + " +n2 ");

        // The learner never started: the library refuses, and its sentence spells the id as raft-kv does.
        Run early = ctl("member", "promote", hex);
        assertThat(early.exit()).isEqualTo(1);
        assertThat(early.err()).startsWith("Error: LEARNER_NOT_READY: learner " + hex + " ");
        // Neither the sentence nor the details (memberId) spell it in decimal.
        assertThat(early.err()).doesNotContain(Long.toUnsignedString(Long.parseUnsignedLong(hex, 16)));
        assertThat(early.err()).contains("memberId=" + hex);
    }
}
