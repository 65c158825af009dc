package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.runtime.RaftNode;
import org.understudy.raft.runtime.RaftNodeOptions;
import org.understudy.raft.runtime.StartMode;

/**
 * The seed's Figure 1 on real sockets: a new, empty learner catches up through a 48 MiB snapshot
 * that the runtime streams in chunks over the bulk lane, rate-limited to 16 MiB/s because the
 * {@code RaftNode} told the transport the peer is a learner. Meanwhile the cluster keeps serving
 * (heartbeats every 50 ms, election timeout 1 s) and no election happens.
 */
class LearnerCatchUpTest {
    private static final String CLUSTER = "catch-up";
    private static final List<Long> VOTERS = List.of(1L, 2L, 3L);
    private static final long LEARNER = 4;
    private static final long MIB = 1 << 20;
    private static final long BALLAST = 48 * MIB;
    private static final long LEARNER_LIMIT = 16 * MIB;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<Long, NettyTransport> transports = new HashMap<>();
    private final Map<Long, SimpleMeterRegistry> meters = new HashMap<>();
    private final Map<Long, MemoryLogStorage> logs = new HashMap<>();
    private final Map<Long, DigestMachine> machines = new HashMap<>();
    private final Map<Long, RaftNode<Long>> nodes = new HashMap<>();

    @AfterEach
    void stop() {
        TestTransports.closeAll(new ArrayList<>(nodes.values()));
        TestTransports.closeAll(new ArrayList<>(transports.values())); // those no node owned yet
    }

    private void bind(long id) {
        meters.put(id, new SimpleMeterRegistry());
        transports.put(id, new NettyTransport(TestTransports.options(CLUSTER, id, meters.get(id))
                .learnerBulkBytesPerSecond(LEARNER_LIMIT).build()));
    }

    private RaftNode<Long> start(long id, StartMode mode, long ballast) {
        NettyTransport transport = transports.get(id);
        transports.forEach((peer, t) -> transport.updatePeer(peer, t.address()));
        RaftNodeOptions options = RaftNodeOptions.builder(RaftConfig.builder(id).electionTick(20).build(), mode)
                .tickMillis(50) // election timeout 1 s (20 ticks), heartbeats every 50 ms
                .snapshotCount(20).entriesKeptAfterSnapshot(0) // the learner must take a snapshot
                .build();
        logs.put(id, new MemoryLogStorage());
        machines.put(id, new DigestMachine(ballast));
        RaftNode<Long> node = RaftNode.create(options, logs.get(id), new MemorySnapshotStore(), transport,
                machines.get(id));
        nodes.put(id, node);
        node.start();
        return node;
    }

    @Test
    void aLearnerCatchesUpThroughALargeSnapshotWithoutAnElection() throws Exception {
        for (long id = 1; id <= 4; id++) {
            bind(id); // every port known before anyone starts
        }
        for (long id : VOTERS) {
            start(id, StartMode.found(VOTERS, List.of()), BALLAST);
        }
        await().atMost(WAIT).until(() -> nodes.values().stream().filter(n -> n.status().isLeader()).count() == 1);
        RaftNode<Long> leader = nodes.values().stream().filter(n -> n.status().isLeader()).findFirst().orElseThrow();
        for (int i = 0; i < 25; i++) {
            leader.propose(ByteString.copyFromUtf8("before-" + i)).get(10, TimeUnit.SECONDS);
        }
        await().atMost(WAIT).until(() -> logs.get(leader.id()).firstIndex() > 2); // compacted behind a snapshot
        long term = leader.status().term();
        Queue<String> leaderChanges = new ConcurrentLinkedQueue<>();
        for (long id : VOTERS) {
            nodes.get(id).addLeaderListener(l -> leaderChanges.add("node " + id + " saw leader " + l));
        }

        RaftNode<Long> learner = start(LEARNER, StartMode.join(), 0);
        long started = System.nanoTime();
        leader.changeMembership(ConfChanges.addLearner(LEARNER)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> transports.get(leader.id()).isRateLimited(LEARNER));

        List<Long> commitMillis = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (commitMillis.size() < 10) { // the cluster keeps serving while the snapshot streams
                long t0 = System.nanoTime();
                leader.propose(ByteString.copyFromUtf8("during-" + commitMillis.size())).get(5, TimeUnit.SECONDS);
                commitMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            return machines.get(LEARNER).ballastRestored() == BALLAST
                    && learner.status().appliedIndex() >= leader.status().commitIndex();
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("LearnerCatchUpTest: %d MiB snapshot to the learner in %.1f s at a %d MiB/s limit; "
                + "commits during the transfer took %s ms%n", BALLAST / MIB, seconds, LEARNER_LIMIT / MIB, commitMillis);

        assertThat(leaderChanges).as("leader changes while the learner caught up").isEmpty();
        assertThat(VOTERS).allSatisfy(id -> assertThat(nodes.get(id).status().term()).isEqualTo(term));
        assertThat(leader.status().isLeader()).isTrue();
        assertThat(machines.get(LEARNER).digest()).isEqualTo(machines.get(leader.id()).digest());
        assertThat(TestTransports.count(meters.get(leader.id()), "bytes.sent", "lane", "bulk")).isGreaterThan(BALLAST);
        assertThat(seconds).as("the transfer obeyed the learner limit").isGreaterThan((BALLAST - 2.0 * MIB) / LEARNER_LIMIT);
        assertThat(commitMillis).isNotEmpty().allSatisfy(ms -> assertThat(ms).isLessThan(500));
    }
}
