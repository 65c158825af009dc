package org.understudy.membership.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.sim.CountingStateMachine;
import org.understudy.membership.sim.SimRecords;
import org.understudy.membership.spi.GroupStatus;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemoryNetwork;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;

/**
 * {@link RaftNodeGroup} over real {@code RaftNode}s (threads, in-memory storage and network): the
 * registry rides the log, reaches a joiner through a snapshot, is identical on every node and
 * survives a restart. Election timeouts are randomized from {@link #SEED}.
 */
class RaftNodeGroupTest {
    private static final long SEED = 5;
    private static final List<Long> FOUNDERS = List.of(1L, 2L, 3L);

    private final MemoryNetwork network = new MemoryNetwork();
    private final Map<Long, MemoryLogStorage> logs = new TreeMap<>();
    private final Map<Long, MemorySnapshotStore> snapshots = new TreeMap<>();
    private final Map<Long, RaftNodeGroup<Long>> groups = new TreeMap<>();

    @AfterEach
    void tearDown() {
        groups.values().forEach(g -> g.node().close());
        network.close();
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
    }

    private RaftNodeOptions options(long id, StartMode mode) {
        RaftConfig config = RaftConfig.builder(id).electionTick(10).heartbeatTick(1).randomSeed(SEED * 1_000 + id).build();
        return RaftNodeOptions.builder(config, mode).tickMillis(10).snapshotCount(8).entriesKeptAfterSnapshot(0).build();
    }

    private RaftNodeGroup<Long> start(long id, StartMode mode, MemoryLogStorage log, MemorySnapshotStore store,
            List<Member> founderRecords) {
        RaftNodeGroup<Long> g = RaftNodeGroup.create(options(id, mode), log, store, network.transport(id),
                new CountingStateMachine(), founderRecords);
        logs.put(id, log);
        snapshots.put(id, store);
        groups.put(id, g);
        g.node().start();
        return g;
    }

    private void startFounders() {
        for (long id : FOUNDERS) {
            start(id, StartMode.found(FOUNDERS), new MemoryLogStorage(), new MemorySnapshotStore(),
                    SimRecords.founders(1, 2, 3));
        }
    }

    /** Closes {@code id} and starts it on what its storage had made durable (a crash). */
    private RaftNodeGroup<Long> restart(long id) {
        groups.get(id).node().close();
        return start(id, StartMode.found(FOUNDERS), logs.get(id).crashCopy(), snapshots.get(id).crashCopy(),
                SimRecords.founders(1, 2, 3));
    }

    private long awaitLeader() {
        long[] leader = new long[1];
        eventually().until(() -> {
            for (RaftNodeGroup<Long> g : groups.values()) {
                GroupStatus s = g.status();
                if (s.isLeader() && groups.values().stream().allMatch(o -> o.status().leaderId() == s.id())) {
                    leader[0] = s.id();
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    private void awaitSameRegistryEverywhere(long leader) {
        eventually().untilAsserted(() -> {
            MemberRegistry reference = groups.get(leader).registry();
            for (RaftNodeGroup<Long> g : groups.values()) {
                assertThat(g.registry()).as("node %d", g.id()).isEqualTo(reference);
            }
        });
    }

    private void propose(long leader, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            groups.get(leader).node().propose(ByteString.copyFromUtf8("k" + i)).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theRegistryIsIdenticalOnEveryNodeAndSurvivesARestart() throws Exception {
        startFounders();
        long leader = awaitLeader();
        RaftNodeGroup<Long> lead = groups.get(leader);
        assertThat(lead.registry().member(2).orElseThrow().getName()).isEqualTo("n2");
        assertThat(lead.electionTimeoutMillis()).isEqualTo(100);
        assertThat(lead.snapshotCount()).isEqualTo(8);
        propose(leader, 20); // snapshots and compaction: a joiner can only start from a snapshot

        List<MemberRegistry> seenByJoiner = new CopyOnWriteArrayList<>();
        RaftNodeGroup<Long> joiner = start(4, StartMode.join(), new MemoryLogStorage(), new MemorySnapshotStore(),
                List.of());
        joiner.addRegistryListener(seenByJoiner::add);
        ConfState added = lead.changeMembership(SimRecords.with(ConfChanges.addLearner(4),
                List.of(SimRecords.member(4).toBuilder().setStandby(true).build()))).get(5, TimeUnit.SECONDS);

        assertThat(added.getLearnersList()).containsExactly(4L);
        assertThat(lead.registry().role(4)).as("the registry is updated when the future completes")
                .isEqualTo(MemberRole.LEARNER);
        awaitSameRegistryEverywhere(leader);
        assertThat(joiner.registry().member(4).orElseThrow().getStandby()).isTrue();
        assertThat(seenByJoiner).isNotEmpty();
        assertThat(((CountingStateMachine) joiner.stateMachine().user()).restores()).isGreaterThanOrEqualTo(1);

        // a read index on the learner completes once applied there
        long read = joiner.readIndex().get(5, TimeUnit.SECONDS);
        assertThat(joiner.status().appliedIndex()).isGreaterThanOrEqualTo(read);

        lead.changeMembership(ConfChanges.promote(4)).get(5, TimeUnit.SECONDS);
        propose(leader, 10);
        awaitSameRegistryEverywhere(leader);
        MemberRegistry before = lead.registry();
        assertThat(before.role(4)).isEqualTo(MemberRole.VOTER);
        assertThat(before.voters()).hasSize(4);

        List<Long> ids = new ArrayList<>(groups.keySet());
        for (long id : ids) {
            if (id == 4) {
                groups.get(id).node().close();
                start(id, StartMode.join(), logs.get(id).crashCopy(), snapshots.get(id).crashCopy(), List.of());
            } else {
                restart(id);
            }
            long now = awaitLeader();
            awaitSameRegistryEverywhere(now);
            assertThat(groups.get(id).registry()).as("node %d after its restart", id).isEqualTo(before);
        }
        assertThat(groups.get(awaitLeader()).registry().member(4).orElseThrow().getName()).isEqualTo("n4");
    }

    @Test
    void aJointReplaceEndsWithTheLearnersRecordAsAVoterOnEveryNode() throws Exception {
        startFounders();
        long leader = awaitLeader();
        RaftNodeGroup<Long> lead = groups.get(leader);
        start(4, StartMode.join(), new MemoryLogStorage(), new MemorySnapshotStore(), List.of());
        lead.changeMembership(SimRecords.with(ConfChanges.addLearner(4), List.of(SimRecords.member(4))))
                .get(5, TimeUnit.SECONDS);
        long victim = FOUNDERS.stream().filter(id -> id != leader).findFirst().orElseThrow();

        ConfState joint = lead.changeMembership(SimRecords.with(ConfChanges.replace(victim, 4), List.of(), victim))
                .get(5, TimeUnit.SECONDS);

        assertThat(joint.getVotersOutgoingList()).contains(victim);
        eventually().until(() -> !lead.registry().isJoint());
        groups.remove(victim).node().close();
        awaitSameRegistryEverywhere(leader);
        assertThat(lead.registry().ids()).containsExactlyElementsOf(
                new java.util.TreeSet<>(Set.of(4L, FOUNDERS.stream().filter(i -> i != victim && i != leader).findFirst()
                        .orElseThrow(), leader)));
        assertThat(lead.registry().role(4)).isEqualTo(MemberRole.VOTER);
    }
}
