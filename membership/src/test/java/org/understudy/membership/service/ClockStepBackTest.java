package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.membership.sim.SimRecords;

/**
 * The service's clock may step back (a wall clock corrected by NTP): the policies' trackers demand
 * time that never goes backwards, so the service must not pass a step back on to them, or every
 * request and every tick would fail until the clock caught up again, and a fixed-rate scheduler
 * running {@code tick()} would stop at the first exception.
 */
class ClockStepBackTest {

    private static final long SEED = 71;

    @Test
    void aClockThatStepsBackBreaksNeitherTickNorRequests() {
        long[] stepBack = {0};
        ServiceCluster c = new ServiceCluster(SEED, MembershipOptions.builder().snapshotCount(1_000).build(),
                b -> b.voters(1, 2, 3).founderRecords(SimRecords.founders(1, 2, 3)));
        c.h.elect(1);
        long learner = c.addStartedLearner(AddRequest.learner("n4", List.of("tcp://10.0.0.4:7001")));
        c.rounds(5);
        MembershipService s = MembershipService.builder(c.h.group(1))
                .options(MembershipOptions.builder().snapshotCount(1_000).build())
                .clock(() -> 100_000 + c.h.nowMillis() - stepBack[0]).idSeed(SEED).build();
        for (int r = 0; r < 5; r++) {
            c.round();
            s.tick();
        }

        stepBack[0] = 5_000; // the clock jumps 5 s back
        for (int r = 0; r < 5; r++) {
            c.round();
            assertThatCode(s::tick).as("tick %d after the step back", r).doesNotThrowAnyException();
        }
        CompletableFuture<List<?>> status = CompletableFuture.supplyAsync(s::status);
        assertThat(status.join()).hasSize(4);
        CompletableFuture<MemberRegistry> promoted = s.promote(learner);
        assertThat(c.await(promoted, 20).role(learner)).isEqualTo(MemberRole.VOTER);
    }
}
