package org.understudy.examples.kv.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.understudy.examples.kv.node.TestCluster.await;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.AddMemberResult;
import org.understudy.examples.kv.api.KvService.MemberView;
import org.understudy.examples.kv.http.KvHttpServer;
import org.understudy.examples.kv.http.KvHttpServerOptions;

/**
 * Every member, not only the leader, gets its client URL into its registry record: founders
 * (followers ask the leader over its HTTP API) and a learner added later; the record update
 * changes no role, and asking again for the same URL writes nothing.
 */
class ClientUrlPublicationTest {
    private static final List<String> FOUNDERS = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private TestCluster cluster;
    private final List<KvHttpServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(KvHttpServer::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private KvNode startServing(KvConfig config) {
        KvNode node = cluster.start(config);
        servers.add(KvHttpServer.start(node, KvHttpServerOptions.builder().name(config.name())
                .listen(config.listenClient().host(), config.listenClient().port()).build()));
        return node;
    }

    private Map<String, MemberView> membersByName(KvNode via) {
        return await(via.members()).members().stream().collect(Collectors.toMap(MemberView::name, m -> m));
    }

    @Test
    void everyMemberPublishesItsClientUrlIncludingALaterLearner() {
        cluster = new TestCluster(dir, "memory", List.of("n1", "n2", "n3", "n4"));
        InitialCluster initial = InitialCluster.parse(cluster.initialCluster(FOUNDERS));
        for (String n : FOUNDERS) {
            startServing(cluster.config(n).initialCluster(initial).build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.leader().isPresent());

        // Every founder's record carries its own client address, as seen from every member.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (KvNode via : cluster.nodes.values()) {
                Map<String, MemberView> members = membersByName(via);
                for (String n : FOUNDERS) {
                    assertThat(members.get(n).clientUrls()).as("client URLs of %s seen from %s", n, via)
                            .containsExactly(cluster.clients.get(n).toString());
                }
            }
        });

        // A learner added later (an operator change right after publications: the gate lets it through).
        KvNode leader = cluster.leader().orElseThrow();
        AddMemberResult added = await(leader.addMember("n4", List.of(cluster.peers.get("n4").toString()), true));
        assertThat(added.member().clientUrls()).isEmpty();
        KvNode n4 = startServing(cluster.config("n4").initialCluster(InitialCluster.parse(added.initialCluster()))
                .initialClusterState(KvConfig.ClusterState.EXISTING).build());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            MemberView v = membersByName(cluster.leader().orElseThrow()).get("n4");
            assertThat(v.clientUrls()).containsExactly(cluster.clients.get("n4").toString());
            assertThat(v.learner()).as("publishing the URL changes no role").isTrue();
        });
        assertThat(n4.status().learner()).isTrue();
        assertThat(membersByName(leader).values()).filteredOn(m -> !m.learner()).hasSize(3);

        // Asking again with the same URL is a no-op: no configuration change is written.
        KvNode now = cluster.leader().orElseThrow();
        long before = now.membership().registry().confIndex();
        await(now.publishClientUrl(n4.memberId(), cluster.clients.get("n4").toString()));
        assertThat(now.membership().registry().confIndex()).isEqualTo(before);
    }

    @Test
    void anUnknownMemberOrAFollowerIsRefusedAndKeysAreOrdinary() {
        cluster = new TestCluster(dir, "memory", FOUNDERS);
        InitialCluster initial = InitialCluster.parse(cluster.initialCluster(FOUNDERS));
        for (String n : FOUNDERS) {
            cluster.start(cluster.config(n).initialCluster(initial).build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.leader().isPresent());
        KvNode leader = cluster.leader().orElseThrow();
        assertThatThrownBy(() -> await(leader.publishClientUrl(12345L, "127.0.0.1:1")))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(KvErrorCode.MEMBER_NOT_FOUND));
        KvNode follower = cluster.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        assertThatThrownBy(() -> await(follower.publishClientUrl(follower.memberId(), "127.0.0.1:1")))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(KvErrorCode.NOT_LEADER));
        // No key space is reserved: a key that looks internal is an ordinary key.
        long rev = await(leader.put(".understudy/members/1/client-url", ByteString.copyFromUtf8("x"), OptionalLong.empty(),
                Optional.empty())).revision();
        assertThat(rev).isPositive();
    }
}
