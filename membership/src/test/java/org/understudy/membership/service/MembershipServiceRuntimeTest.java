package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.runtime.RaftNodeGroup;
import org.understudy.membership.sim.CountingStateMachine;
import org.understudy.membership.sim.SimRecords;
import org.understudy.membership.spi.LeaderForwarder;
import org.understudy.membership.spi.MembershipRequest;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemoryNetwork;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StateMachine;
import org.understudy.raft.spi.Transport;

/**
 * The membership service on real {@code RaftNode}s (threads, in-memory storage and network, the
 * system clock): a learner is added through a follower, started, promoted once the leader accepts
 * (retried until then), and a founding voter is removed. {@link #wire} is the wiring the module's
 * README shows. Election timeouts are randomized from {@link #SEED}.
 */
class MembershipServiceRuntimeTest {
    private static final long SEED = 9;
    private static final List<Long> FOUNDERS = List.of(1L, 2L, 3L);

    private final MemoryNetwork network = new MemoryNetwork();
    private final Map<Long, RaftNodeGroup<Long>> groups = new ConcurrentHashMap<>();
    private final Map<Long, MembershipService> services = new ConcurrentHashMap<>();
    private final List<MembershipEvent> events = new CopyOnWriteArrayList<>();
    /** One meter registry per node, as in one process per node (the meters carry no node tag). */
    private final Map<Long, MeterRegistry> meters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    /** In-process forwarding: what an application's RPC does (the far end calls {@code handle}). */
    private final LeaderForwarder forwarder = new LeaderForwarder() {
        @Override
        public <T> CompletableFuture<T> forward(long leaderId, MembershipRequest<T> request) {
            MembershipService leader = services.get(leaderId);
            return leader == null
                    ? CompletableFuture.failedFuture(new RaftException(ErrorCode.UNAVAILABLE, "no node " + leaderId))
                    : leader.handle(request);
        }
    };

    @AfterEach
    void tearDown() {
        ticker.shutdownNow();
        groups.values().forEach(g -> g.node().close());
        network.close();
    }

    /**
     * One node with its membership service: the README's wiring. The user's state machine runs
     * inside a {@code MembershipStateMachine} (created by {@link RaftNodeGroup#create}), which keeps
     * the registry in the log and the snapshots; the service decides on the leader and forwards from
     * elsewhere; its policies run on a scheduler every {@code tickMillis}.
     */
    static Wired wire(RaftNodeOptions nodeOptions, LogStorage log, SnapshotStore snapshots,
            Transport transport, StateMachine<Long> user, List<Member> founderRecords, LeaderForwarder forwarder,
            MeterRegistry meterRegistry, ScheduledExecutorService ticker) {
        RaftNodeGroup<Long> group = RaftNodeGroup.create(nodeOptions, log, snapshots, transport, user, founderRecords);
        MembershipService membership = MembershipService.builder(group)
                .options(MembershipOptions.builder()
                        .snapshotCount(nodeOptions.snapshotCount()) // promoteMaxLag defaults to a tenth of it
                        .promoteMaxLag(20)
                        .maxLearners(1)
                        .build())
                .forwarder(forwarder)
                .meterRegistry(meterRegistry)
                .build();
        group.node().start();
        ticker.scheduleAtFixedRate(membership::tick, 0, membership.options().tickMillis(), TimeUnit.MILLISECONDS);
        return new Wired(group, membership);
    }

    /** A node and its membership service. */
    record Wired(RaftNodeGroup<Long> group, MembershipService membership) {}

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20));
    }

    private RaftNodeOptions nodeOptions(long id, StartMode mode) {
        RaftConfig config = RaftConfig.builder(id).electionTick(10).heartbeatTick(1).randomSeed(SEED * 1_000 + id).build();
        return RaftNodeOptions.builder(config, mode).tickMillis(10).snapshotCount(50).build();
    }

    private void start(long id, StartMode mode, List<Member> founderRecords) {
        Wired w = wire(nodeOptions(id, mode), new MemoryLogStorage(), new MemorySnapshotStore(),
                network.transport(id), new CountingStateMachine(), founderRecords, forwarder,
                meters.computeIfAbsent(id, k -> new SimpleMeterRegistry()), ticker);
        w.membership().addListener(events::add);
        groups.put(id, w.group());
        services.put(id, w.membership());
    }

    private long awaitLeader() {
        long[] leader = new long[1];
        eventually().until(() -> {
            for (RaftNodeGroup<Long> g : groups.values()) {
                if (g.status().isLeader()) {
                    leader[0] = g.id();
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    private org.understudy.membership.spi.GroupStatus statusOf(long id) {
        return groupOf(id).status();
    }

    private RaftNodeGroup<Long> groupOf(long id) {
        RaftNodeGroup<Long> g = groups.get(id);
        if (g == null) {
            throw new IllegalStateException("no group " + id);
        }
        return g;
    }

    private void propose(long leader, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            groupOf(leader).node().propose(ByteString.copyFromUtf8("k" + i)).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void addStartPromoteThenRemoveAVoter_onRealNodes() throws Exception {
        for (long id : FOUNDERS) {
            start(id, StartMode.found(FOUNDERS), SimRecords.founders(1, 2, 3));
        }
        long leader = awaitLeader();
        propose(leader, 60); // past a snapshot: the learner starts from one
        long follower = FOUNDERS.stream().filter(id -> id != leader).findFirst().orElseThrow();

        AddResult added = services.get(follower).add(AddRequest.learner("n4", List.of("tcp://127.0.0.1:7004")))
                .get(5, TimeUnit.SECONDS);
        long learner = added.id();
        assertThat(added.quorumGrows()).isFalse();
        assertThat(added.initialCluster()).contains("n4=tcp://127.0.0.1:7004").contains("n1=");

        start(learner, StartMode.join(), List.of());
        eventually().until(() -> groupOf(learner).registry().role(learner) == MemberRole.LEARNER);

        // Promote, retried while the leader says the learner is not ready yet.
        eventually().until(() -> {
            try {
                services.get(follower).promote(learner).get(5, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                RaftException r = (RaftException) e.getCause();
                assertThat(r.code()).as("only 'not ready yet' is retried: %s", r.getMessage())
                        .isIn(ErrorCode.LEARNER_NOT_READY, ErrorCode.CONF_CHANGE_IN_PROGRESS, ErrorCode.NOT_LEADER);
                return false;
            }
        });
        // Events and meters follow the future's completion (on the node's thread), not before it.
        eventually().untilAsserted(() -> {
            assertThat(events).anyMatch(e -> e instanceof MembershipEvent.Promoted p && p.memberId() == learner);
            assertThat(meters.values().stream().mapToDouble(m -> {
                var c = m.find("understudy.membership.promotions").tag("result", "ok").counter();
                return c == null ? 0 : c.count();
            }).sum()).isEqualTo(1.0);
        });

        // Remove a founding voter that is not the leader; the cluster keeps three voters, one of them the former learner.
        long now = awaitLeader();
        long victim = FOUNDERS.stream().filter(id -> id != now).findFirst().orElseThrow();
        MemberRegistry after = services.get(now).remove(victim).get(5, TimeUnit.SECONDS);
        assertThat(after.contains(victim)).isFalse();
        groups.remove(victim).node().close();
        services.remove(victim);

        propose(now, 5);
        eventually().untilAsserted(() -> {
            MemberRegistry reference = groupOf(now).registry();
            for (long id : groups.keySet()) {
                assertThat(groupOf(id).registry()).as("node %d", id).isEqualTo(reference);
            }
        });
        MemberRegistry reference = groupOf(now).registry();
        assertThat(reference.voters()).extracting(Member::getId).hasSize(3).contains(learner).doesNotContain(victim);
        assertThat(reference.member(learner).orElseThrow().getName()).isEqualTo("n4");
        assertThat(statusOf(learner).isLearner()).isFalse();
    }
}
