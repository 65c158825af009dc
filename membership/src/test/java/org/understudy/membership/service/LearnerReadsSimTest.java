package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.proto.MessageType;

/**
 * Reads on a learner (DESIGN.md §4 rule 7; the seed's "strong consistency mode"): serializable
 * reads are local and may be stale; a linearizable read is refused with
 * {@code UNSUPPORTED_ON_LEARNER} unless {@code learnerLinearizableReads} is on, and then it waits
 * until the learner applied the leader's read index, so it sees every write acknowledged before it.
 */
class LearnerReadsSimTest {

    private static final long SEED = 41;

    private static MembershipOptions options(boolean learnerLinearizable) {
        return MembershipOptions.builder().snapshotCount(1_000).learnerLinearizableReads(learnerLinearizable).build();
    }

    private static ServiceCluster clusterWithLearner(MembershipOptions options) {
        ServiceCluster c = ServiceCluster.of(SEED, options, 1, 2, 3);
        c.h.elect(1);
        c.propose(5, "before");
        c.addStartedLearner(AddRequest.learner("reader", List.of("tcp://10.0.0.4:7001")));
        c.rounds(3);
        return c;
    }

    private static long learner(ServiceCluster c) {
        return c.leaderService().registry().learners().get(0).getId();
    }

    /** Loses appends and snapshots to {@code id}: it falls behind but stays reachable. */
    private static void starve(ServiceCluster c, long id) {
        c.h.cluster().drop(m -> m.getTo() == id
                && (m.getType() == MessageType.MSG_APPEND || m.getType() == MessageType.MSG_SNAPSHOT));
    }

    /** Writes on the leader and returns the leader's command count once the write is acknowledged (applied there). */
    private static long acknowledgedWrite(ServiceCluster c, String data) {
        EntryId w = c.write(data);
        c.h.runUntil(() -> c.h.cluster().isApplied(c.leader(), w), 5, "write acknowledged");
        return c.h.group(c.leader()).user().commands();
    }

    @Test
    void serializableReadsAreLocalOnALearner_andMayBeStale() {
        ServiceCluster c = clusterWithLearner(options(false));
        long id = learner(c);
        LearnerReads reads = new LearnerReads(c.h.group(id), c.service(id).options());
        long before = reads.serializable(() -> c.h.group(id).user().commands());
        assertThat(before).isEqualTo(c.h.group(1).user().commands());

        starve(c, id);
        long acknowledged = acknowledgedWrite(c, "late");
        assertThat(reads.serializable(() -> c.h.group(id).user().commands()))
                .as("a serializable read does not wait: it misses the write").isEqualTo(before).isLessThan(acknowledged);
    }

    @Test
    void linearizableOnALearnerIsRefusedWhenTheOptionIsOff_butServedOnAVoter() {
        ServiceCluster c = clusterWithLearner(options(false));
        long id = learner(c);
        CompletableFuture<Long> refused = new LearnerReads(c.h.group(id), c.service(id).options())
                .linearizable(() -> c.h.group(id).user().commands());
        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.handle((v, e) -> ((RaftException) e).code()).join()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER);

        long acknowledged = acknowledgedWrite(c, "w");
        CompletableFuture<Long> onFollower = new LearnerReads(c.h.group(2), c.service(2).options())
                .linearizable(() -> c.h.group(2).user().commands());
        assertThat(c.await(onFollower, 20)).isGreaterThanOrEqualTo(acknowledged);
    }

    @Test
    void linearizableOnALearnerWaitsUntilItAppliedTheLeadersReadIndex_andSeesAnAcknowledgedWrite() {
        ServiceCluster c = clusterWithLearner(options(true));
        long id = learner(c);
        starve(c, id);
        long acknowledged = acknowledgedWrite(c, "must-be-seen");
        assertThat(c.h.group(id).user().commands()).as("the learner has not got it yet").isLessThan(acknowledged);

        CompletableFuture<Long> read = new LearnerReads(c.h.group(id), c.service(id).options())
                .linearizable(() -> c.h.group(id).user().commands());
        c.rounds(5);
        assertThat(read).as("waits while the learner trails the read index").isNotDone();

        c.h.cluster().heal();
        long seen;
        try {
            seen = c.await(read, 10);
        } catch (CompletionException e) {
            throw new AssertionError("the read failed: " + e.getCause(), e);
        }
        assertThat(seen).as("sees the write acknowledged before the call").isGreaterThanOrEqualTo(acknowledged);
    }
}
