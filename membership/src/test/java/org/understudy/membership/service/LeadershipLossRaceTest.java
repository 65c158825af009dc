package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.sim.SimGroup;
import org.understudy.membership.spi.GroupStatus;
import org.understudy.membership.spi.RaftGroup;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

/**
 * On a real node the status can change between two reads of it: the service decides "I lead" from
 * one status and reads the next one to check the learner, by which time the node may have stepped
 * down. This test makes that happen deterministically with a group whose status turns into a
 * follower's after the first read. The service must then answer {@code NOT_LEADER} (a failed
 * future), and {@link MembershipService#tick()} must not throw: a scheduler that runs it at a fixed
 * rate stops for good at the first exception.
 */
class LeadershipLossRaceTest {

    private static final long SEED = 61;

    /** A {@link SimGroup} whose status, once armed, reads as a follower's after {@code realReads} reads. */
    private static final class SteppingDownGroup implements RaftGroup {
        private final SimGroup g;
        private int realReads = Integer.MAX_VALUE;

        SteppingDownGroup(SimGroup g) {
            this.g = g;
        }

        void stepDownAfter(int reads) {
            realReads = reads;
        }

        void stayLeader() {
            realReads = Integer.MAX_VALUE;
        }

        @Override
        public GroupStatus status() {
            GroupStatus s = g.status();
            if (realReads > 0) {
                realReads--;
                return s;
            }
            CoreStatus c = s.core();
            return new GroupStatus(new CoreStatus(c.id(), c.term() + 1, 0, 2, Role.FOLLOWER, false, c.commitIndex(),
                    c.appliedIndex(), c.lastIndex(), c.confState(), Map.of(), 0), s.appliedIndex(), true);
        }

        @Override public long id() { return g.id(); }
        @Override public CompletableFuture<ConfState> changeMembership(ConfChange change) { return g.changeMembership(change); }
        @Override public CompletableFuture<Void> transferLeadership(long to) { return g.transferLeadership(to); }
        @Override public CompletableFuture<Long> readIndex() { return g.readIndex(); }
        @Override public long electionTimeoutMillis() { return g.electionTimeoutMillis(); }
        @Override public long snapshotCount() { return g.snapshotCount(); }
        @Override public MemberRegistry registry() { return g.registry(); }
        @Override public void addRegistryListener(Consumer<MemberRegistry> l) { g.addRegistryListener(l); }
    }

    private static ServiceCluster clusterWithLearner(boolean autoPromote) {
        ServiceCluster c = ServiceCluster.of(SEED, MembershipOptions.builder().snapshotCount(1_000).build(), 1, 2, 3);
        c.h.elect(1);
        c.addStartedLearner(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001")).withAutoPromote(autoPromote));
        c.h.tickAll(3);
        return c;
    }

    private static MembershipService service(ServiceCluster c, RaftGroup group, MembershipOptions options) {
        return MembershipService.builder(group).options(options).clock(c.h.clock()).idSeed(SEED).build();
    }

    private static RaftException failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return f.handle((v, e) -> (RaftException) (e.getCause() instanceof RaftException r ? r : e)).join();
    }

    @Test
    void promoteOnALeaderThatStepsDownMidDecisionFailsWithNotLeader() {
        ServiceCluster c = clusterWithLearner(false);
        long learner = c.leaderService().registry().learners().get(0).getId();
        SteppingDownGroup group = new SteppingDownGroup(c.h.group(1));
        MembershipService s = service(c, group, MembershipOptions.builder().snapshotCount(1_000).build());

        group.stepDownAfter(1);
        CompletableFuture<MemberRegistry> f = s.promote(learner);

        assertThat(failure(f).code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(c.h.group(1).registry().role(learner)).isEqualTo(MemberRole.LEARNER);
    }

    @Test
    void replaceAndRemoveOfTheLeaderOnALeaderThatStepsDownMidDecisionFailWithNotLeader() {
        ServiceCluster c = clusterWithLearner(false);
        long learner = c.leaderService().registry().learners().get(0).getId();
        SteppingDownGroup group = new SteppingDownGroup(c.h.group(1));
        MembershipService s = service(c, group, MembershipOptions.builder().snapshotCount(1_000).build());

        group.stepDownAfter(1);
        assertThat(failure(s.replace(3, learner)).code()).isEqualTo(ErrorCode.NOT_LEADER);
        group.stepDownAfter(1);
        assertThat(failure(s.remove(1)).code()).isEqualTo(ErrorCode.NOT_LEADER);
        group.stepDownAfter(1);
        assertThat(failure(s.replace(1, learner)).code()).isEqualTo(ErrorCode.NOT_LEADER);
    }

    @Test
    void tickNeverThrowsWhenLeadershipIsLostBetweenTheDecisionAndTheProposal() {
        ServiceCluster c = clusterWithLearner(true);
        long learner = c.leaderService().registry().learners().get(0).getId();
        SteppingDownGroup group = new SteppingDownGroup(c.h.group(1));
        MembershipOptions options = MembershipOptions.builder().snapshotCount(1_000).autoPromotion(true)
                .stabilizationMillis(1_000).promotionBackoff(100, 200).build();
        MembershipService s = service(c, group, options);

        // Every tick reads the status once as the leader, then sees a follower: whenever the
        // auto-promotion decides, the proposal finds leadership gone.
        for (int r = 0; r < 40; r++) {
            c.h.tickAll();
            group.stepDownAfter(1);
            assertThatCode(s::tick).as("tick in round %d", r).doesNotThrowAnyException();
            group.stayLeader();
        }
        assertThat(c.h.group(1).registry().role(learner)).isEqualTo(MemberRole.LEARNER);

        // Once leadership holds, the policy still works: it was not wedged by the failures.
        for (int r = 0; r < 40 && c.h.group(1).registry().role(learner) != MemberRole.VOTER; r++) {
            c.h.tickAll();
            s.tick();
            c.h.settle();
        }
        assertThat(c.h.group(1).registry().role(learner)).isEqualTo(MemberRole.VOTER);
    }
}
