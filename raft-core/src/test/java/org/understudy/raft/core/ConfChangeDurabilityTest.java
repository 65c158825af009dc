package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.core.ConfChanges.remove;

import org.junit.jupiter.api.Test;
import org.understudy.raft.sim.Cluster;

/**
 * A configuration change a node has applied survives its crash. Configurations take effect when
 * applied, and after a restart a node re-applies the log only up to its durable commit index; if
 * that index was not synced past the change, the node silently goes back to the old configuration
 * (and may need the vote of a node that is long gone). Core bug B7 in raft-core/docs/simulator-findings.md
 * (seed 103123).
 */
class ConfChangeDurabilityTest {

    @Test
    void anAppliedRemovalSurvivesACrashOfTheRemainingVoter() {
        Cluster c = Cluster.ofVoters(1, 2);
        c.elect(1);
        c.propose(1, "a");
        var removal = c.proposeConfChange(1, remove(2));
        c.tickAll(1);
        assertThat(c.isApplied(1, removal)).isTrue();
        assertThat(c.core(1).confState().getVotersList()).containsExactly(1L);
        c.destroy(2); // the operator saw the removal applied everywhere and shut 2 down

        c.crash(1);
        c.restart(1);
        assertThat(c.core(1).confState().getVotersList()).as("1 still runs the configuration it applied")
                .containsExactly(1L);
        c.tickUntil(() -> c.leader() == 1, 5 * 10, "1 leads alone");
        var write = c.propose(1, "after-restart");
        assertThat(c.isCommitted(write)).isTrue();
    }
}
