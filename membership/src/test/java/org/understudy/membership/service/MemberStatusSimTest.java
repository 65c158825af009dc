package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.CatchUpEstimate;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.policy.MemberStatusView;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.sim.SimRecords;
import org.understudy.raft.proto.MessageType;

/**
 * The member status (DESIGN.md §4 rule 8; issue 5: role, match, lag, catch-up rate and estimated
 * time to ready, last contact, promotable with the reason). The learner catches up gradually: the
 * leader sends one entry per message and the test lets at most {@value #ENTRIES_PER_ROUND} more
 * through to it each round.
 */
class MemberStatusSimTest {

    private static final long SEED = 53;
    private static final int ENTRIES_PER_ROUND = 5;
    private static final long THRESHOLD = 50;

    private static MemberStatusView row(List<MemberStatusView> rows, long id) {
        return rows.stream().filter(v -> v.id() == id).findFirst().orElseThrow();
    }

    @Test
    void theLeaderShowsEveryMemberWithLagRateEtaAndWhetherItIsPromotable_aFollowerSaysItDoesNotKnow() {
        MembershipOptions options = MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(THRESHOLD).build();
        ServiceCluster c = new ServiceCluster(SEED, options, b -> b.voters(1, 2, 3)
                .founderRecords(SimRecords.founders(1, 2, 3)).snapshotEvery(0).config(r -> r.maxSizePerMsg(1)));
        c.h.elect(1);
        long id = c.addStartedLearner(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001")));
        c.rounds(3);

        // Behind by 300 entries, reachable (heartbeats arrive).
        long[] cap = {Long.MAX_VALUE};
        c.h.cluster().drop(m -> m.getTo() == id && m.getType() == MessageType.MSG_APPEND
                && m.getEntriesCount() > 0 && m.getEntries(m.getEntriesCount() - 1).getIndex() > cap[0]);
        cap[0] = c.h.cluster().core(1).lastIndex();
        c.propose(300, "backlog");
        c.rounds(3);

        List<MemberStatusView> lagging = c.leaderService().status();
        assertThat(lagging).extracting(MemberStatusView::id).containsExactly(1L, 2L, 3L, id);
        MemberStatusView leaderRow = row(lagging, 1);
        assertThat(leaderRow.leader()).isTrue();
        assertThat(leaderRow.role()).isEqualTo(MemberRole.VOTER);
        assertThat(leaderRow.lag()).isZero();
        assertThat(leaderRow.reason()).isEqualTo("the leader");
        for (long voter : new long[] {2, 3}) {
            MemberStatusView v = row(lagging, voter);
            assertThat(v.role()).isEqualTo(MemberRole.VOTER);
            assertThat(v.name()).isEqualTo("n" + voter);
            assertThat(v.lag()).as("voter %d", voter).isZero();
            assertThat(v.promotable()).isFalse();
            assertThat(v.lastContactMillis()).isBetween(0L, 1_000L);
        }
        MemberStatusView learner = row(lagging, id);
        assertThat(learner.learner()).isTrue();
        assertThat(learner.name()).isEqualTo("n4");
        assertThat(learner.lag()).isGreaterThanOrEqualTo(300);
        assertThat(learner.match()).isEqualTo(c.h.cluster().core(1).lastIndex() - learner.lag());
        assertThat(learner.promotable()).isFalse();
        assertThat(learner.reason()).contains("lags").contains("threshold " + THRESHOLD);
        assertThat(learner.lagBytes()).as("bytes are not tracked yet").isEqualTo(-1);

        // Gradual catch-up, 4 entries a round net of the leader's writes: once the smoothed rate
        // (time constant 5 s) has forgotten the burst of 300 writes, it turns positive and the
        // estimate converges, with a time to ready.
        List<MemberStatusView> samples = new ArrayList<>();
        for (int r = 0; r < 100 && !row(c.leaderService().status(), id).promotable(); r++) {
            cap[0] += ENTRIES_PER_ROUND;
            c.write("w" + r);
            c.round();
            samples.add(row(c.leaderService().status(), id));
        }
        assertThat(samples).as("samples while catching up: %s", samples).anySatisfy(s -> {
            assertThat(s.eta()).isEqualTo(CatchUpEstimate.Eta.CONVERGING);
            assertThat(s.catchUpRatePerSec()).isPositive();
            assertThat(s.etaMillis()).isPositive();
            assertThat(s.lag()).isGreaterThanOrEqualTo(THRESHOLD);
        });
        MemberStatusView ready = samples.get(samples.size() - 1);
        assertThat(ready.promotable()).as("caught up: %s", samples).isTrue();
        assertThat(ready.lag()).isLessThan(THRESHOLD);
        assertThat(ready.eta()).isEqualTo(CatchUpEstimate.Eta.READY);
        assertThat(ready.etaMillis()).isZero();
        assertThat(ready.reason()).contains("is ready");

        // A follower lists the same members but does not know their replication.
        List<MemberStatusView> onFollower = c.service(2).status();
        assertThat(onFollower).extracting(MemberStatusView::id).containsExactly(1L, 2L, 3L, id);
        assertThat(row(onFollower, id).role()).isEqualTo(MemberRole.LEARNER);
        assertThat(onFollower).allSatisfy(v -> {
            assertThat(v.lag()).isEqualTo(-1);
            assertThat(v.match()).isEqualTo(-1);
            assertThat(v.promotable()).isFalse();
            assertThat(v.reason()).contains("unknown here").contains("ask node 1");
        });
    }
}
