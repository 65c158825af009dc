package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: {@code kill -9} of a member and a restart with the same command line and data dir: it
 * resumes as the same member with its data, and catches up with what was written while it was
 * down. With {@code --snapshot-count 50} the member restarts from a snapshot plus the log after
 * it, and the leader has compacted past the point the member had reached, so the catch-up goes
 * through a snapshot install too.
 */
class MemberRestartTest extends ProcessClusterTestBase {
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime());
    private static final int SNAPSHOT_COUNT = 50;


    @Test
    void killedMemberResumesWithItsDataAndCatchesUp() {
        System.out.println("[process-tests] MemberRestartTest seed " + SEED + " (rerun with -Draftkv.seed=" + SEED + ")");
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"),
                List.of("--snapshot-count", String.valueOf(SNAPSHOT_COUNT)));
        KvHttp http = cluster.http();
        Member leader = cluster.awaitLeader();
        List<Member> followers = cluster.members().stream().filter(m -> m != leader).toList();
        Member victim = followers.get(new Random(SEED).nextInt(followers.size()));
        String seedNote = "seed " + SEED + ", killed " + victim.name();

        int before = 3 * SNAPSHOT_COUNT / 2;
        for (int i = 0; i < before; i++) {
            assertThat(http.put(leader.endpoint(), "before-" + i, "b" + i).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.getSerializable(victim.endpoint(), "before-" + (before - 1)).status() == 200);
        String idBefore = victim.idHex();

        cluster.kill9(victim);
        // While it is down the other two keep a quorum; more than a snapshot's worth of writes.
        int during = 2 * SNAPSHOT_COUNT + 10;
        for (int i = 0; i < during; i++) {
            KvHttp.Reply put = http.put(leader.endpoint(), "during-" + i, "d" + i);
            assertThat(put.status()).as("PUT during-%d with %s down (%s): %s", i, victim.name(), seedNote, put)
                    .isEqualTo(200);
        }

        cluster.restart(victim); // fails unless it says "resumed" as the same member
        assertThat(victim.idHex()).isEqualTo(idBefore);
        assertThat(victim.runs()).hasSize(2);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            KvHttp.Reply last = http.getSerializable(victim.endpoint(), "during-" + (during - 1));
            assertThat(last.status()).as("%s caught up (%s): %s", victim.name(), seedNote, last).isEqualTo(200);
        });
        for (int i = 0; i < before; i++) {
            KvHttp.Reply r = http.getSerializable(victim.endpoint(), "before-" + i);
            assertThat(r.status()).as("before-%d on the restarted member (%s): %s", i, seedNote, r).isEqualTo(200);
            assertThat(r.str("value")).isEqualTo("b" + i);
        }
        for (int i = 0; i < during; i++) {
            KvHttp.Reply r = http.getSerializable(victim.endpoint(), "during-" + i);
            assertThat(r.status()).as("during-%d on the restarted member (%s): %s", i, seedNote, r).isEqualTo(200);
            assertThat(r.str("value")).isEqualTo("d" + i);
        }

        // It is a full member again: it agrees on the leader with the others, is healthy, serves
        // linearizable reads and takes writes.
        cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(20)).until(() -> http.health(victim.endpoint()).status() == 200);
        assertThat(http.get(victim.endpoint(), "before-0").str("value")).isEqualTo("b0");
        KvHttp.Reply after = http.put(victim.endpoint(), "after", "restart");
        assertThat(after.status()).as("write via the restarted member: %s", after).isEqualTo(200);
        assertThat(http.get(cluster.awaitLeader().endpoint(), "after").str("value")).isEqualTo("restart");
    }
}
