package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MemberStatusView;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.registry.MemberRole;
import org.understudy.raft.proto.MessageType;

/**
 * Automatic promotion on the simulator (DESIGN.md §4 rule 6; issue 5: "auto-promotion never
 * promotes a lagging or flapping learner"). Stabilization is 2 s (20 rounds of 100 ms), the lag
 * threshold 50 entries.
 */
class AutoPromotionSimTest {

    private static final long SEED = 11;
    private static final long STABILIZATION_MILLIS = 2_000;
    private static final String AUTO_PROMOTIONS = "understudy.membership.auto_promotions";

    private static MembershipOptions options() {
        return MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(50).maxLearners(2)
                .autoPromotion(true).stabilizationMillis(STABILIZATION_MILLIS).promotionBackoff(500, 2_000).build();
    }

    private static MemberStatusView row(ServiceCluster c, long id) {
        return c.leaderService().status().stream().filter(v -> v.id() == id).findFirst().orElseThrow();
    }

    private static void writes(ServiceCluster c, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            c.write(prefix + i);
        }
    }

    /** Every append and snapshot to {@code id} is lost (heartbeats still arrive: reachable, not replicating). */
    private static void lose(ServiceCluster c, long id) {
        c.h.cluster().drop(m -> m.getTo() == id
                && (m.getType() == MessageType.MSG_APPEND || m.getType() == MessageType.MSG_SNAPSHOT));
    }

    private static List<MembershipEvent.Promoted> promotionsOf(ServiceCluster c, long id) {
        return c.events(MembershipEvent.Promoted.class).stream().filter(p -> p.memberId() == id).toList();
    }

    @Test
    void aFlappingLearnerIsNeverPromoted_oneThatStaysCaughtUpIs_oneWithoutAutoPromoteNeverIs() {
        ServiceCluster c = ServiceCluster.of(SEED, options(), 1, 2, 3);
        c.h.elect(1);
        long flapper = c.addStartedLearner(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001")).withAutoPromote(true));
        long manual = c.addStartedLearner(AddRequest.learner("n5", List.of("tcp://10.0.0.5:7001")));
        c.rounds(3);

        // Flapping: 8 rounds with its appends lost while the leader takes 60+ writes (lag over the
        // threshold at once), then 8 rounds caught up: each caught-up run is shorter than the
        // stabilization time. 14 cycles = 224 rounds.
        int caughtUpPhasesPromotable = 0;
        long round0 = c.h.round();
        long healedAt = -1;
        for (int cycle = 0; cycle < 14; cycle++) {
            lose(c, flapper);
            writes(c, 60, "lagging-" + cycle + "-");
            for (int r = 0; r < 8; r++) {
                writes(c, 2, "w");
                c.round();
                assertThat(c.leaderService().registry().role(flapper)).isEqualTo(MemberRole.LEARNER);
            }
            assertThat(row(c, flapper).lag()).as("lagging in cycle %d", cycle).isGreaterThanOrEqualTo(50);
            c.h.cluster().heal();
            healedAt = c.h.nowMillis();
            boolean promotable = false;
            for (int r = 0; r < 8; r++) {
                writes(c, 2, "w");
                c.round();
                assertThat(c.leaderService().registry().role(flapper)).as("cycle %d round %d", cycle, r)
                        .isEqualTo(MemberRole.LEARNER);
                promotable |= row(c, flapper).promotable();
            }
            caughtUpPhasesPromotable += promotable ? 1 : 0;
        }
        assertThat(c.h.round() - round0).isGreaterThanOrEqualTo(200);
        assertThat(caughtUpPhasesPromotable).as("it did catch up in between (a manual promote would pass)")
                .isEqualTo(14);
        assertThat(promotionsOf(c, flapper)).as("no promotion while it flaps").isEmpty();
        assertThat(c.count(AUTO_PROMOTIONS)).isZero();

        // Now it stays caught up: promoted once the stabilization time has passed since the last heal, not before.
        long lastHeal = healedAt;
        c.h.runUntil(() -> {
            c.write("steady");
            c.round();
            return c.leaderService().registry().role(flapper) == MemberRole.VOTER;
        }, 80, "the steady learner is promoted");
        List<ServiceCluster.TimedEvent> promoted = c.timed.stream()
                .filter(t -> t.event() instanceof MembershipEvent.Promoted p && p.memberId() == flapper).toList();
        assertThat(promoted).singleElement().satisfies(t -> {
            assertThat(((MembershipEvent.Promoted) t.event()).automatic()).isTrue();
            assertThat(t.millis() - lastHeal).as("waited for the stabilization time").isGreaterThanOrEqualTo(STABILIZATION_MILLIS);
        });
        assertThat(c.count(AUTO_PROMOTIONS)).isEqualTo(1.0);
        assertThat(c.count("understudy.membership.promotions", "result", "ok")).isEqualTo(1.0);

        // The learner without auto_promote stays a learner however long it is caught up.
        c.rounds(60);
        assertThat(row(c, manual).promotable()).as("it would be accepted if asked").isTrue();
        for (var g : c.h.running()) {
            assertThat(g.registry().role(manual)).as("node %d", g.id()).isEqualTo(MemberRole.LEARNER);
            assertThat(g.registry().role(flapper)).as("node %d", g.id()).isEqualTo(MemberRole.VOTER);
        }
        assertThat(promotionsOf(c, manual)).isEmpty();
        assertThat(c.count(AUTO_PROMOTIONS)).isEqualTo(1.0);
    }

    @Test
    void aLearnerThatNeverCatchesUpIsNeverPromoted() {
        ServiceCluster c = ServiceCluster.of(SEED, options(), 1, 2, 3);
        c.h.elect(1);
        long slow = c.addStartedLearner(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001")).withAutoPromote(true));
        lose(c, slow);
        writes(c, 80, "x");
        for (int r = 0; r < 100; r++) {
            c.write("y" + r);
            c.round();
        }
        assertThat(row(c, slow).lag()).isGreaterThanOrEqualTo(50);
        assertThat(c.leaderService().registry().role(slow)).isEqualTo(MemberRole.LEARNER);
        assertThat(promotionsOf(c, slow)).isEmpty();
        assertThat(c.count(AUTO_PROMOTIONS)).isZero();
    }
}
