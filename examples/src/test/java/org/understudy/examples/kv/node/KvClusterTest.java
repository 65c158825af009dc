package org.understudy.examples.kv.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.understudy.examples.kv.node.TestCluster.await;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.AddMemberResult;
import org.understudy.examples.kv.api.KvService.Consistency;
import org.understudy.examples.kv.api.KvService.MemberView;

/**
 * A 3-member cluster of real {@link KvNode}s in this JVM (memory storage, Netty on loopback ports
 * from the OS): data operations through every member, followers' {@code NOT_LEADER} with the
 * leader's client address, and the learner lifecycle (add, early promote refused with the lag,
 * start with {@code existing} and discovery, learner refuses writes and serves serializable reads,
 * promote).
 */
class KvClusterTest {
    private static final List<String> FOUNDERS = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    @Test
    void servesThroughEveryMemberAndWalksTheLearnerLifecycle() {
        cluster = new TestCluster(dir, "memory", List.of("n1", "n2", "n3", "n4"));
        InitialCluster initial = InitialCluster.parse(cluster.initialCluster(FOUNDERS));
        for (String n : FOUNDERS) {
            cluster.start(cluster.config(n).initialCluster(initial).snapshotCount(100).build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.leader().isPresent());
        KvNode leader = cluster.leader().orElseThrow();
        String leaderHex = Long.toHexString(leader.memberId());
        String leaderClient = cluster.clients.get(leader.config().name()).toString();
        List<KvNode> followers = cluster.nodes.values().stream().filter(n -> n != leader).toList();

        // Writes on the leader; reads, linearizable and serializable, on every member.
        long rev = await(leader.put("a", utf8("1"), OptionalLong.empty(), Optional.empty())).revision();
        assertThat(rev).isPositive();
        var got = await(leader.get("a", Consistency.LINEARIZABLE));
        assertThat(got.value().toStringUtf8()).isEqualTo("1");
        assertThat(got.revision()).isEqualTo(rev);
        for (KvNode n : cluster.nodes.values()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(await(n.get("a", Consistency.SERIALIZABLE)).revision()).isEqualTo(rev));
        }

        // Followers serve linearizable reads themselves, through the leader's read index; they
        // refuse writes with the leader's id and (once published) its client address.
        for (KvNode f : followers) {
            var read = await(f.get("a", Consistency.LINEARIZABLE));
            assertThat(read.revision()).as("a follower's linearizable read sees the acknowledged write").isEqualTo(rev);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> followers.stream()
                .allMatch(f -> f.leaderClientUrl().equals(Optional.of(leaderClient))));
        for (KvNode f : followers) {
            assertThatThrownBy(() -> await(f.put("b", utf8("x"), OptionalLong.empty(), Optional.empty())))
                    .isInstanceOfSatisfying(KvException.class, e -> {
                        assertThat(e.code()).isEqualTo(KvErrorCode.NOT_LEADER);
                        assertThat(e.details()).containsEntry("leader", leaderHex)
                                .containsEntry("leaderClientUrl", leaderClient);
                    });
            assertThatThrownBy(() -> await(f.delete("a", Optional.empty())))
                    .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(KvErrorCode.NOT_LEADER));
        }

        // Compare-and-set, delete, absent keys.
        assertThatThrownBy(() -> await(leader.put("a", utf8("2"), OptionalLong.of(0), Optional.empty())))
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(KvErrorCode.REVISION_MISMATCH);
                    assertThat(e.details()).containsEntry("revision", rev);
                });
        long rev2 = await(leader.put("a", utf8("2"), OptionalLong.of(rev), Optional.empty())).revision();
        assertThat(rev2).isGreaterThan(rev);
        assertThat(await(leader.put("c", utf8("new"), OptionalLong.of(0), Optional.empty())).revision()).isGreaterThan(rev2);
        var deleted = await(leader.delete("a", Optional.empty()));
        assertThat(deleted.deleted()).isTrue();
        assertThat(await(leader.delete("a", Optional.empty())).deleted()).isFalse();
        assertThatThrownBy(() -> await(leader.get("a", Consistency.LINEARIZABLE)))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(KvErrorCode.KEY_NOT_FOUND));
        for (KvNode n : followers) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
                    () -> await(n.get("a", Consistency.SERIALIZABLE))).isInstanceOfSatisfying(KvException.class,
                            e -> assertThat(e.code()).isEqualTo(KvErrorCode.KEY_NOT_FOUND)));
        }

        // Enough entries that a learner that has not started lags past promoteMaxLag (100 / 10).
        for (int i = 0; i < 30; i++) {
            await(leader.put("bulk-" + i, utf8("v"), OptionalLong.empty(), Optional.empty()));
        }

        // Add a learner; promoting it before it even runs is refused with its lag.
        List<String> n4Peer = List.of(cluster.peers.get("n4").toString());
        assertThatThrownBy(() -> await(followers.get(0).addMember("n4", n4Peer, true)))
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(KvErrorCode.NOT_LEADER);
                    assertThat(e.details()).containsEntry("leaderClientUrl", leaderClient);
                });
        AddMemberResult added = await(leader.addMember("n4", n4Peer, true));
        assertThat(added.member().learner()).isTrue();
        assertThat(added.initialCluster()).contains("n4=" + cluster.peers.get("n4"));
        long n4Id = Long.parseUnsignedLong(added.member().id(), 16);
        assertThatThrownBy(() -> await(leader.promote(n4Id)))
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(KvErrorCode.LEARNER_NOT_READY);
                    assertThat(e.getMessage()).as("names the learner as member list does").contains(added.member().id());
                    assertThat(e.details()).containsKey("lag");
                    assertThat(e.details().get("lag")).isInstanceOf(Long.class);
                });

        // Start it with "existing": it discovers its ids from the leader and catches up.
        KvNode n4 = cluster.start(cluster.config("n4").snapshotCount(100).initialCluster(InitialCluster.parse(added.initialCluster()))
                .initialClusterState(KvConfig.ClusterState.EXISTING).build());
        assertThat(n4.memberId()).isEqualTo(n4Id);
        assertThat(n4.clusterId()).isEqualTo(leader.clusterId());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            MemberView v = await(leader.members()).members().stream()
                    .filter(m -> m.id().equals(added.member().id())).findFirst().orElseThrow();
            return v.matchIndex() > 0 && v.lag() == 0;
        });
        assertThat(n4.status().role()).isEqualTo("learner");
        assertThat(n4.status().learner()).isTrue();

        // The learner refuses writes and linearizable reads, serves serializable reads.
        assertThatThrownBy(() -> await(n4.put("d", utf8("x"), OptionalLong.empty(), Optional.empty())))
                .isInstanceOfSatisfying(KvException.class,
                        e -> assertThat(e.code()).isEqualTo(KvErrorCode.UNSUPPORTED_ON_LEARNER));
        assertThatThrownBy(() -> await(n4.get("c", Consistency.LINEARIZABLE)))
                .isInstanceOfSatisfying(KvException.class,
                        e -> assertThat(e.code()).isEqualTo(KvErrorCode.UNSUPPORTED_ON_LEARNER));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(await(n4.get("c", Consistency.SERIALIZABLE)).value().toStringUtf8()).isEqualTo("new"));

        // Promote it now; it votes, and a write through the leader reaches it.
        MemberView promoted = await(leader.promote(n4Id));
        assertThat(promoted.learner()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !n4.status().learner());
        long rev3 = await(cluster.leader().orElseThrow().put("e", utf8("4 voters"), OptionalLong.empty(),
                Optional.empty())).revision();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(await(n4.get("e", Consistency.SERIALIZABLE)).revision()).isEqualTo(rev3));

        // Metrics carry the Raft meters.
        assertThat(leader.metricsText()).contains("understudy_raft_term", "understudy_raft_commit_index",
                "understudy_raft_applied_index", "understudy_raft_leader_changes", "understudy_raft_proposals",
                "understudy_raft_peer_lag", "understudy_membership_promotions");
        assertThat(leader.health().healthy()).isTrue();
    }
}
