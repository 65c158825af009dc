package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §9 fig 9: two of three members are lost for good ({@code kill -9}, data dirs
 * abandoned), so the cluster has no quorum. The survivor, restarted on its data dir with
 * {@code --force-new-cluster}, leads alone with every acknowledged write it had applied, takes new
 * writes, resumes the same way without the flag, and takes a fresh member again. With
 * {@code --snapshot-count 50} it restarts from a snapshot plus the log after it.
 */
class ForceNewClusterTest extends ProcessClusterTestBase {
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime());
    private static final int SNAPSHOT_COUNT = 50;
    private static final int KEYS = 3 * SNAPSHOT_COUNT / 2;


    @Test
    void theSurvivorOfALostQuorumServesAloneWithItsDataAndTakesNewMembers() {
        System.out.println("[process-tests] ForceNewClusterTest seed " + SEED + " (rerun with -Draftkv.seed=" + SEED + ")");
        List<String> flags = List.of("--snapshot-count", String.valueOf(SNAPSHOT_COUNT));
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"), flags);
        KvHttp http = cluster.http();
        Member leader = cluster.awaitLeader();
        List<Member> all = new ArrayList<>(cluster.members());
        Member survivor = all.get(new Random(SEED).nextInt(all.size()));
        String seedNote = "seed " + SEED + ", survivor " + survivor.name();

        for (int i = 0; i < KEYS; i++) {
            KvHttp.Reply put = http.put(leader.endpoint(), "k" + i, "v" + i);
            assertThat(put.status()).as("PUT k%d: %s", i, put).isEqualTo(200);
        }
        // Only what the survivor has can survive: wait until it applied the last acknowledged write.
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.getSerializable(survivor.endpoint(), "k" + (KEYS - 1)).status() == 200);
        String idBefore = survivor.idHex();

        for (Member m : all) {
            if (m != survivor) {
                cluster.kill9(m); // lost for good, with their data dirs
            }
        }
        cluster.kill9(survivor);

        cluster.restart(survivor, List.of("--force-new-cluster"));
        assertThat(survivor.idHex()).isEqualTo(idBefore);
        assertThat(cluster.awaitLeader()).as(seedNote).isSameAs(survivor);
        assertAllKeys(http, survivor, seedNote);
        KvHttp.Reply after = http.put(survivor.endpoint(), "after", "force");
        assertThat(after.status()).as("write on the forced survivor (%s): %s", seedNote, after).isEqualTo(200);
        KvHttp.Reply members = http.members(survivor.endpoint());
        assertThat(members.members()).as("members after the force (%s): %s", seedNote, members).hasSize(1)
                .allSatisfy(m -> {
                    assertThat(m.get("name")).isEqualTo(survivor.name());
                    assertThat(m.get("learner")).isEqualTo(false);
                });

        // The flag is dropped again: it resumes as the only voter, nothing removed or lost.
        cluster.kill9(survivor);
        cluster.restart(survivor);
        assertThat(cluster.awaitLeader()).isSameAs(survivor);
        assertAllKeys(http, survivor, seedNote);
        assertThat(http.get(survivor.endpoint(), "after").str("value")).isEqualTo("force");

        // And the cluster grows again the usual way.
        int peerPort = FreePorts.pick();
        Ctl.Run add = new Ctl(survivor.endpoint()).run("member", "add", "n4", "--peer-url", "127.0.0.1:" + peerPort);
        assertThat(add.exit()).as("member add after the force (%s): %s", seedNote, add).isZero();
        Matcher initial = Pattern.compile("--initial-cluster '([^']+)'").matcher(add.out());
        assertThat(initial.find()).as("member add output: %s", add.out()).isTrue();
        assertThat(initial.group(1)).contains(survivor.name() + "=", "n4=127.0.0.1:" + peerPort)
                .doesNotContain(all.stream().filter(m -> m != survivor).map(m -> m.name() + "=").toArray(String[]::new));
        Member n4 = cluster.join("n4", peerPort, initial.group(1), flags);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            KvHttp.Reply last = http.getSerializable(n4.endpoint(), "after");
            assertThat(last.status()).as("n4 caught up (%s): %s", seedNote, last).isEqualTo(200);
        });
        assertThat(http.getSerializable(n4.endpoint(), "k0").str("value")).isEqualTo("v0");
    }

    private static void assertAllKeys(KvHttp http, Member m, String seedNote) {
        for (int i = 0; i < KEYS; i++) {
            KvHttp.Reply r = http.get(m.endpoint(), "k" + i);
            assertThat(r.status()).as("k%d on %s (%s): %s", i, m.name(), seedNote, r).isEqualTo(200);
            assertThat(r.str("value")).isEqualTo("v" + i);
        }
    }
}
