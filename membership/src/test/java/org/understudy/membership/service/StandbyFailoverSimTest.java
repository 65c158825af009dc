package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.sim.SimRecords;
import org.understudy.raft.core.EntryId;

/**
 * Standby failover on the simulator (issue 5: "a caught-up learner marked standby replaces, via
 * replace, a voter that has been unreachable for longer than a threshold — only while the remaining
 * voters still form a quorum, never two at once, never for a voter that was only briefly slow").
 * Election timeout 1 s (10 rounds of 100 ms), failover after 5 s, cool-down 10 s.
 */
class StandbyFailoverSimTest {

    private static final long SEED = 23;
    private static final long FAILOVER_AFTER_MILLIS = 5_000;
    private static final long COOLDOWN_MILLIS = 10_000;
    private static final String FAILOVERS = "understudy.membership.failovers";

    private static MembershipOptions options() {
        return MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(50).maxLearners(2)
                .standbyFailover(true).failoverAfterMillis(FAILOVER_AFTER_MILLIS)
                .failoverCooldownMillis(COOLDOWN_MILLIS).build();
    }

    private static ServiceCluster clusterWithStandbys(int standbys, long... voters) {
        ServiceCluster c = ServiceCluster.of(SEED, options(), voters);
        c.h.elect(1);
        c.propose(10, "before");
        for (int i = 0; i < standbys; i++) {
            c.addStartedLearner(AddRequest.learner("standby" + i, List.of("tcp://10.0.1." + i + ":7001")).withStandby(true));
        }
        c.rounds(5);
        return c;
    }

    private static List<Long> standbys(ServiceCluster c) {
        return c.leaderService().registry().members().stream().filter(m -> m.getStandby()).map(m -> m.getId()).toList();
    }

    /** Runs {@code rounds} rounds with a write each, checking that every write commits within 3 rounds. */
    private static void runServing(ServiceCluster c, int rounds) {
        for (int r = 0; r < rounds; r++) {
            EntryId w = c.write("w" + r);
            c.h.runUntil(() -> c.h.cluster().isCommitted(w), 3, "write " + r + " commits");
            c.round();
        }
    }

    @Test
    void aVoterDownForLessThanTheThresholdIsNotReplaced() {
        ServiceCluster c = clusterWithStandbys(1, 1, 2, 3);
        long standby = standbys(c).get(0);
        c.h.crash(3);
        runServing(c, 40); // 4 s < 5 s
        c.h.restart(3);
        runServing(c, 100); // and long after it came back

        MemberRegistry reg = c.leaderService().registry();
        assertThat(reg.role(3)).isEqualTo(MemberRole.VOTER);
        assertThat(reg.role(standby)).isEqualTo(MemberRole.LEARNER);
        assertThat(c.events(MembershipEvent.FailoverStarted.class)).isEmpty();
        assertThat(c.count(FAILOVERS)).isZero();
    }

    @Test
    void aVoterDownForLongerIsReplacedByTheStandby_writesGoOnThroughout() {
        ServiceCluster c = clusterWithStandbys(1, 1, 2, 3);
        long standby = standbys(c).get(0);
        c.h.crash(3);
        long crashedAt = c.h.nowMillis();
        runServing(c, 40);
        assertThat(c.events(MembershipEvent.FailoverStarted.class)).as("not before the threshold").isEmpty();
        c.h.runUntil(() -> {
            c.write("x");
            c.round();
            return !c.leaderService().registry().contains(3);
        }, 60, "voter 3 replaced");

        MemberRegistry reg = c.leaderService().registry();
        assertThat(reg.role(standby)).isEqualTo(MemberRole.VOTER);
        assertThat(reg.member(standby).orElseThrow().getStandby()).as("a voter now, no longer a standby").isFalse();
        assertThat(reg.voters()).hasSize(3);
        assertThat(c.events(MembershipEvent.FailoverStarted.class)).singleElement().satisfies(f -> {
            assertThat(f.voterId()).isEqualTo(3);
            assertThat(f.learnerId()).isEqualTo(standby);
        });
        assertThat(c.timed.stream().filter(t -> t.event() instanceof MembershipEvent.FailoverStarted)
                .findFirst().orElseThrow().millis() - crashedAt).isGreaterThanOrEqualTo(FAILOVER_AFTER_MILLIS);
        c.rounds(2);
        assertThat(c.events(MembershipEvent.Replaced.class)).singleElement()
                .satisfies(r -> assertThat(r.failover()).isTrue());
        assertThat(c.count(FAILOVERS)).isEqualTo(1.0);
        for (long id : reg.ids()) {
            assertThat(c.h.group(id).registry()).as("node %d", id).isEqualTo(reg);
        }
        runServing(c, 5);
    }

    @Test
    void twoOfThreeVotersDown_noFailover_andTheConfigurationIsUntouched() {
        ServiceCluster c = clusterWithStandbys(1, 1, 2, 3);
        long standby = standbys(c).get(0);
        MemberRegistry before = c.leaderService().registry();
        c.h.crash(2);
        c.h.crash(3);
        for (int r = 0; r < 150; r++) { // 15 s: three times the threshold
            c.round();
            MemberRegistry now = c.h.group(1).registry();
            assertThat(now.isJoint()).isFalse();
            assertThat(now).as("round %d", r).isEqualTo(before);
        }
        assertThat(c.events(MembershipEvent.FailoverStarted.class)).isEmpty();
        assertThat(c.count(FAILOVERS)).isZero();

        c.h.restart(2);
        c.h.restart(3);
        c.h.runUntil(() -> c.leader() != 0, 60, "a leader once the voters are back");
        runServing(c, 5);
        assertThat(c.leaderService().registry().role(standby)).isEqualTo(MemberRole.LEARNER);
        assertThat(c.leaderService().registry().voters()).hasSize(3);
    }

    @Test
    void twoVotersOfFiveDown_oneFailoverAtATime_theNextAfterTheCooldown() {
        ServiceCluster c = new ServiceCluster(SEED, options(),
                b -> b.voters(1, 2, 3, 4, 5).founderRecords(SimRecords.founders(1, 2, 3, 4, 5)));
        c.h.elect(1);
        c.propose(10, "before");
        for (int i = 0; i < 2; i++) {
            c.addStartedLearner(AddRequest.learner("standby" + i, List.of("tcp://10.0.1." + i + ":7001")).withStandby(true));
        }
        c.rounds(5);
        List<Long> standbys = standbys(c);
        assertThat(standbys).hasSize(2);
        c.h.crash(4);
        c.h.crash(5);

        // Every round: never two replacements at once, never fewer reachable voters than a quorum.
        for (int r = 0; r < 250; r++) {
            c.write("w" + r);
            c.round();
            MemberRegistry reg = c.h.group(1).registry();
            long up = reg.voters().stream().filter(m -> c.h.group(m.getId()).isUp()).count();
            assertThat(up).as("round %d: reachable voters of %s", r, reg.voters().size())
                    .isGreaterThanOrEqualTo(reg.voters().size() / 2 + 1);
            long replacing = reg.members().stream().filter(m -> reg.role(m.getId()) == MemberRole.VOTER_OUTGOING).count();
            assertThat(replacing).as("round %d: voters being replaced", r).isLessThanOrEqualTo(1);
        }

        List<ServiceCluster.TimedEvent> started = c.timed.stream()
                .filter(t -> t.event() instanceof MembershipEvent.FailoverStarted).toList();
        List<ServiceCluster.TimedEvent> done = c.timed.stream()
                .filter(t -> t.event() instanceof MembershipEvent.Replaced).toList();
        assertThat(started).hasSize(2);
        assertThat(done).hasSize(2);
        assertThat(started.get(1).millis() - done.get(0).millis()).as("the second waits for the cool-down")
                .isGreaterThanOrEqualTo(COOLDOWN_MILLIS);
        MemberRegistry reg = c.leaderService().registry();
        assertThat(reg.contains(4)).isFalse();
        assertThat(reg.contains(5)).isFalse();
        assertThat(reg.voters()).hasSize(5);
        assertThat(standbys).allSatisfy(id -> assertThat(reg.role(id)).isEqualTo(MemberRole.VOTER));
        assertThat(c.count(FAILOVERS)).isEqualTo(2.0);
    }
}
