package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: {@code kill -9} of the leader during a stream of writes; the other two elect a new
 * leader, the stream goes on through them, and every write answered 200 — before, during or after
 * the failover — is readable afterwards with its value.
 */
class LeaderChangeTest {
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime());
    private static final int ACKS_BEFORE_KILL = 40;
    private static final int ACKS_AFTER_ELECTION = 40;

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

    @Test
    void acknowledgedWritesSurviveTheLeadersDeath() {
        System.out.println("[process-tests] LeaderChangeTest seed " + SEED + " (rerun with -Draftkv.seed=" + SEED + ")");
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"), List.of("--snapshot-count", "200"));
        KvHttp http = cluster.http();
        Member oldLeader = cluster.awaitLeader();

        writes = new WriteStream(http, new ArrayList<>(cluster.members()), SEED, "w").start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.acknowledgedCount() >= ACKS_BEFORE_KILL);
        cluster.kill9(oldLeader);
        int acksAtKill = writes.acknowledgedCount();

        Member newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotSameAs(oldLeader);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(writes.acknowledgedCount())
                .as("writes acknowledged after the new leader was elected (seed %d, statuses %s)", SEED,
                        writes.statusCounts())
                .isGreaterThanOrEqualTo(acksAtKill + ACKS_AFTER_ELECTION));
        Map<String, String> acknowledged = writes.stop();
        System.out.println("[process-tests] LeaderChangeTest: killed leader " + oldLeader.name() + ", new leader "
                + newLeader.name() + "; write statuses " + writes.statusCounts());

        for (Member m : cluster.running()) {
            for (Map.Entry<String, String> w : acknowledged.entrySet()) {
                KvHttp.Reply r = http.get(m.endpoint(), w.getKey());
                assertThat(r.status()).as("acknowledged %s on %s after the failover (seed %d): %s", w.getKey(), m.name(),
                        SEED, r).isEqualTo(200);
                assertThat(r.str("value")).as("value of %s on %s (seed %d)", w.getKey(), m.name(), SEED)
                        .isEqualTo(w.getValue());
            }
        }
    }
}
