package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.sim.Cluster;

/**
 * A term is durable before anything is sent in it (DESIGN.md §5: "a term or vote is persisted before
 * any message that depends on it leaves the node"). A single voter wins its election without asking
 * anyone, so nothing else forces its new term to disk before it starts replicating to its learners:
 * if it sent appends before syncing and crashed, it would restart in the old term, win the same term
 * again and write different entries under the same (index, term), which a learner that got the first
 * ones would take for identical. (Found as seed 10603; the core already held such messages back.)
 */
class DurableTermTest {

    @Test
    void aSingleVoterSendsNothingInANewTermBeforeSyncingIt_andMayReuseATermNobodySaw() {
        Cluster c = Cluster.builder().voters(1).learners(2).build();
        c.elect(1);
        c.propose(1, "in-term-2");
        c.crash(1);
        c.restart(1); // a follower of term 2: the next campaign is for term 3

        c.hold(1);
        c.node(1).campaign();
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        long term = c.core(1).term();
        int from = c.sent().size();
        c.node(1).beginReady(); // term 3 and its no-op written, not synced
        c.stabilize();
        c.core(1).propose(SeedFiguresTest.payload("first-life"));
        c.node(1).beginReady();
        c.stabilize();
        assertThat(c.sent().subList(from, c.sent().size())).as("nothing left in term %d before it was synced", term)
                .noneMatch(s -> s.message().getTerm() >= term);
        c.crash(1);
        c.release(1);
        c.restart(1);

        c.campaign(1); // term 3 again: nobody ever saw the first one
        var second = c.propose(1, "second-life");
        c.tickAll(2);
        assertThat(c.isApplied(2, second)).isTrue();
        assertThat(c.node(2).stateMachine().digest()).as("the learner applied what the leader applied")
                .isEqualTo(c.node(1).stateMachine().digest());
    }
}
