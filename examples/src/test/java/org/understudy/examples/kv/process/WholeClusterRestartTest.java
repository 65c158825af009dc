package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7: the whole cluster killed with SIGKILL in the middle of a stream of writes (a power cut)
 * and restarted with the same command lines loses no acknowledged write — on both durable storage
 * engines. {@code --snapshot-count 100} makes each member restart from a snapshot plus a log.
 */
class WholeClusterRestartTest {
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime());
    private static final int ACKS_BEFORE_KILL = 150;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private ProcessCluster cluster;
    private WriteStream writes;

    @AfterEach
    void stop() {
        if (writes != null) {
            writes.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "--storage {0}")
    @ValueSource(strings = {"chronicle", "mapdb"})
    void noAcknowledgedWriteIsLost(String storage) {
        System.out.println("[process-tests] WholeClusterRestartTest[" + storage + "] seed " + SEED
                + " (rerun with -Draftkv.seed=" + SEED + ")");
        cluster = ProcessCluster.found(dir.resolve(storage), List.of("n1", "n2", "n3"),
                List.of("--storage", storage, "--snapshot-count", "100"));
        KvHttp http = cluster.http();
        cluster.awaitLeader();

        writes = new WriteStream(http, new ArrayList<>(cluster.members()), SEED, "w").start();
        await().atMost(Duration.ofSeconds(90)).until(() -> writes.acknowledgedCount() >= ACKS_BEFORE_KILL);
        cluster.kill9All(); // with a write in flight
        Map<String, String> acknowledged = writes.stop();
        System.out.println("[process-tests] WholeClusterRestartTest[" + storage + "]: " + acknowledged.size()
                + " writes acknowledged before the kill; statuses " + writes.statusCounts());

        cluster.restartAll(); // each must say "resumed"
        Member leader = cluster.awaitLeader();
        for (Map.Entry<String, String> w : acknowledged.entrySet()) {
            KvHttp.Reply r = http.get(leader.endpoint(), w.getKey());
            assertThat(r.status()).as("acknowledged %s after the restart (--storage %s, seed %d): %s", w.getKey(),
                    storage, SEED, r).isEqualTo(200);
            assertThat(r.str("value")).as("value of %s (--storage %s, seed %d)", w.getKey(), storage, SEED)
                    .isEqualTo(w.getValue());
        }
        // Every member has it all once it has applied what the leader has committed.
        String sample = acknowledged.keySet().iterator().next();
        long committed = http.status(leader.endpoint()).num("commitIndex");
        for (Member m : cluster.members()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> http.status(m.endpoint()).num("appliedIndex") >= committed);
            for (Map.Entry<String, String> w : acknowledged.entrySet()) {
                KvHttp.Reply r = http.getSerializable(m.endpoint(), w.getKey());
                assertThat(r.status()).as("%s on %s after the restart (--storage %s, seed %d): %s", w.getKey(),
                        m.name(), storage, SEED, r).isEqualTo(200);
                assertThat(r.str("value")).isEqualTo(w.getValue());
            }
        }
        assertThat(http.put(leader.endpoint(), sample, "overwritten after the restart").status()).isEqualTo(200);
    }
}
