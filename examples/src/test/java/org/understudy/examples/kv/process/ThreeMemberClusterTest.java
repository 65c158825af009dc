package org.understudy.examples.kv.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 7: a 3-member cluster of real server processes serves writes and reads through every member. */
class ThreeMemberClusterTest extends ProcessClusterTestBase {

    @Test
    void everyMemberTakesWritesAndServesBothKindsOfRead() {
        cluster = ProcessCluster.found(dir, List.of("n1", "n2", "n3"), List.of("--storage", "chronicle"));
        KvHttp http = cluster.http();
        Member leader = cluster.awaitLeader();

        // A write through each member: a follower forwards it to the leader (one hop) and relays the answer.
        long lastRevision = 0;
        for (Member m : cluster.members()) {
            KvHttp.Reply put = http.put(m.endpoint(), "key-" + m.name(), "written via " + m.name());
            assertThat(put.status()).as("PUT via %s (leader %s): %s", m, leader.name(), put).isEqualTo(200);
            assertThat(put.num("revision")).as("revisions grow").isGreaterThan(lastRevision);
            lastRevision = put.num("revision");
        }

        // Every member reads every key, linearizably (read index, at once) and serializably (its own
        // applied state, so it may take a moment to apply the last entry).
        for (Member reader : cluster.members()) {
            for (Member writer : cluster.members()) {
                String key = "key-" + writer.name();
                KvHttp.Reply lin = http.get(reader.endpoint(), key);
                assertThat(lin.status()).as("linearizable GET %s on %s: %s", key, reader, lin).isEqualTo(200);
                assertThat(lin.str("value")).isEqualTo("written via " + writer.name());
                assertThat(lin.str("key")).isEqualTo(key);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    KvHttp.Reply ser = http.getSerializable(reader.endpoint(), key);
                    assertThat(ser.status()).as("serializable GET %s on %s: %s", key, reader, ser).isEqualTo(200);
                    assertThat(ser.str("value")).isEqualTo("written via " + writer.name());
                    assertThat(ser.num("revision")).isEqualTo(lin.num("revision"));
                });
            }
        }

        Member follower = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
        long revision = http.get(follower.endpoint(), "key-n1").num("revision");

        // Compare-and-set and delete through a follower: the leader's answer comes back unchanged.
        KvHttp.Reply stale = http.putIfRevision(follower.endpoint(), "key-n1", "lost update", revision - 1);
        assertThat(stale.status()).as("stale CAS via follower: %s", stale).isEqualTo(412);
        assertThat(stale.code()).isEqualTo("REVISION_MISMATCH");
        KvHttp.Reply cas = http.putIfRevision(follower.endpoint(), "key-n1", "swapped", revision);
        assertThat(cas.status()).as("CAS via follower: %s", cas).isEqualTo(200);
        KvHttp.Reply del = http.delete(follower.endpoint(), "key-n2");
        assertThat(del.status()).as("DELETE via follower: %s", del).isEqualTo(200);
        assertThat(del.json().get("deleted")).isEqualTo(true);

        for (Member m : cluster.members()) {
            assertThat(http.get(m.endpoint(), "key-n1").str("value")).as("key-n1 on %s", m).isEqualTo("swapped");
            KvHttp.Reply gone = http.get(m.endpoint(), "key-n2");
            assertThat(gone.status()).as("deleted key on %s: %s", m, gone).isEqualTo(404);
            assertThat(gone.code()).isEqualTo("KEY_NOT_FOUND");
        }

        // Every member knows all three as voters, and /health says so.
        for (Member m : cluster.members()) {
            KvHttp.Reply members = http.members(m.endpoint());
            assertThat(members.status()).isEqualTo(200);
            assertThat(members.members()).extracting(x -> x.get("name")).containsExactlyInAnyOrder("n1", "n2", "n3");
            assertThat(members.members()).allSatisfy(x -> assertThat(x.get("learner")).isEqualTo(false));
            await().atMost(Duration.ofSeconds(10)).until(() -> http.health(m.endpoint()).status() == 200);
        }
    }
}
