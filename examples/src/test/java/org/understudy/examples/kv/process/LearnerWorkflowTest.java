package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: the learner workflow end to end, as an operator runs it: {@code ctl member add} → start
 * the new member with {@code --initial-cluster-state existing} and the printed initial cluster →
 * an early promote is refused with {@code LEARNER_NOT_READY} and the lag → the learner catches up
 * (through a snapshot: the log was compacted long before it started) and serves serializable reads
 * only → promote succeeds → it is a voter serving linearizable reads and taking writes.
 */
class LearnerWorkflowTest extends ProcessClusterTestBase {
    /** Entries between snapshots; a learner lagging a tenth of it (10) or more is not promoted. */
    private static final int SNAPSHOT_COUNT = 100;
    private static final int PROMOTE_THRESHOLD = SNAPSHOT_COUNT / 10;
    /** Far more than the threshold, and past two compactions, so the learner needs a snapshot. */
    private static final int KEYS = 250;


    @Test
    void addStartRefuseEarlyPromoteCatchUpPromote() throws IOException {
        List<String> flags = List.of("--snapshot-count", String.valueOf(SNAPSHOT_COUNT));
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"), flags);
        KvHttp http = cluster.http();
        Member leader = cluster.awaitLeader();
        for (int i = 0; i < KEYS; i++) {
            KvHttp.Reply put = http.put(leader.endpoint(), "k" + i, "v" + i);
            assertThat(put.status()).as("PUT k%d: %s", i, put).isEqualTo(200);
        }
        Ctl ctl = new Ctl(cluster.endpoints());

        // member add: a learner, with the command line to start it.
        int peerPort = FreePorts.pick();
        Ctl.Run add = ctl.run("member", "add", "n4", "--peer-url", "127.0.0.1:" + peerPort);
        assertThat(add.exit()).as("member add: %s", add).isZero();
        Matcher id = Pattern.compile("Added learner n4 with id ([0-9a-f]+)\\.").matcher(add.out());
        Matcher initial = Pattern.compile("--initial-cluster '([^']+)'").matcher(add.out());
        assertThat(id.find() && initial.find()).as("member add output: %s", add.out()).isTrue();
        String n4Id = id.group(1);
        assertThat(initial.group(1)).contains("n1=", "n2=", "n3=", "n4=127.0.0.1:" + peerPort);

        // Promoting it now, before it has anything (it has not even started), is refused with its lag.
        Ctl.Run early = ctl.run("-w", "json", "member", "promote", n4Id);
        assertThat(early.exit()).as("early promote: %s", early).isEqualTo(1);
        Map<String, Object> refusal = JSON.std.mapFrom(early.err());
        assertThat(refusal.get("code")).as("early promote: %s", early).isEqualTo("LEARNER_NOT_READY");
        assertThat(((Number) refusal.get("lag")).longValue()).as("lag in %s", refusal)
                .isGreaterThanOrEqualTo(PROMOTE_THRESHOLD);

        // Start it as `member add` said; it learns its id from the leader and catches up.
        Member n4 = cluster.join("n4", peerPort, initial.group(1), flags);
        assertThat(n4.idHex()).isEqualTo(n4Id);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            KvHttp.Reply last = http.getSerializable(n4.endpoint(), "k" + (KEYS - 1));
            assertThat(last.status()).as("serializable read of the last key on the learner: %s", last).isEqualTo(200);
            assertThat(last.str("value")).isEqualTo("v" + (KEYS - 1));
        });
        KvHttp.Reply status = http.status(n4.endpoint());
        assertThat(status.str("role")).as("status %s", status).isEqualTo("learner");
        assertThat(status.json().get("learner")).isEqualTo(true);
        for (int i = 0; i < KEYS; i += 25) {
            assertThat(http.getSerializable(n4.endpoint(), "k" + i).str("value")).isEqualTo("v" + i);
        }

        // A learner has no vote: it takes no writes and (by default) no linearizable reads.
        KvHttp.Reply write = http.put(n4.endpoint(), "from-learner", "x");
        assertThat(write.status()).as("write on the learner: %s", write).isEqualTo(403);
        assertThat(write.code()).isEqualTo("UNSUPPORTED_ON_LEARNER");
        KvHttp.Reply linRead = http.get(n4.endpoint(), "k0");
        assertThat(linRead.status()).as("linearizable read on the learner: %s", linRead).isEqualTo(403);
        assertThat(linRead.code()).isEqualTo("UNSUPPORTED_ON_LEARNER");

        // Caught up: promote succeeds (retried only while the leader still says LEARNER_NOT_READY,
        // e.g. until the learner's first acknowledgements count as "recently active").
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Ctl.Run promote = ctl.run("member", "promote", n4Id);
            if (promote.exit() != 0) {
                assertThat(promote.err()).as("a refused promote of a caught-up learner").startsWith(
                        "Error: LEARNER_NOT_READY: ");
            }
            assertThat(promote.exit()).as("promote: %s", promote).isZero();
        });

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            KvHttp.Reply s = http.status(n4.endpoint());
            assertThat(s.json().get("learner")).as("status after promote: %s", s).isEqualTo(false);
            assertThat(s.str("role")).isIn("follower", "leader");
        });
        KvHttp.Reply members = http.members(leader.endpoint());
        assertThat(members.members()).as("members %s", members).hasSize(4)
                .allSatisfy(m -> assertThat(m.get("learner")).isEqualTo(false));

        // A voter now: linearizable reads on it, and writes through it (forwarded to the leader).
        KvHttp.Reply read = http.get(n4.endpoint(), "k7");
        assertThat(read.status()).as("linearizable read on the promoted member: %s", read).isEqualTo(200);
        assertThat(read.str("value")).isEqualTo("v7");
        KvHttp.Reply put = http.put(n4.endpoint(), "from-n4", "voter");
        assertThat(put.status()).as("write via the promoted member: %s", put).isEqualTo(200);
        for (Member m : cluster.members()) {
            assertThat(http.get(m.endpoint(), "from-n4").str("value")).as("on %s", m).isEqualTo("voter");
        }
    }
}
