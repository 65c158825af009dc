package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.core.ConfChanges.addLearner;
import static org.understudy.raft.core.ConfChanges.addVoter;
import static org.understudy.raft.core.ConfChanges.remove;

import org.junit.jupiter.api.Test;
import org.understudy.raft.sim.Cluster;

/**
 * A leader learns about a higher term from a voter that ignores its appends, even with PreVote and
 * CheckQuorum off. Normally the voter's vote requests would tell the leader, but a voter that
 * missed configuration changes sends them to its old configuration, which may not include the
 * leader at all: then nothing ever reaches the leader unless a stale-term append is answered
 * (thesis §3.3: "if a server receives a request with a stale term number, it rejects the request").
 * Core bug B8 in raft-core/docs/simulator-findings.md (seed 103757).
 */
class StaleTermTest {

    private static final int ELECTION = 10;

    @Test
    void aVoterWithAHigherTermAndAnOldConfigurationStillTellsTheLeader() {
        Cluster c = Cluster.builder().voters(1, 2, 3).config(b -> b.preVote(false).checkQuorum(false)).build();
        c.elect(1);
        c.isolate(3);
        c.tickAll(5 * ELECTION);
        long leaderTerm = c.core(1).term();
        assertThat(c.core(3).term()).as("3 campaigned alone").isGreaterThan(leaderTerm);

        // while 3 is away the cluster moves to {3, 4, 5} led by 4
        c.startJoiner(4);
        c.startJoiner(5);
        c.proposeConfChange(1, addLearner(4));
        c.proposeConfChange(1, addVoter(4));
        c.proposeConfChange(1, addLearner(5));
        c.proposeConfChange(1, addVoter(5));
        c.proposeConfChange(1, remove(2));
        c.core(1).transferLeadership(4);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(4);
        c.proposeConfChange(4, remove(1));
        c.tickUntil(() -> c.core(4).confState().getVotersList().size() == 3, ELECTION, "config {3, 4, 5}");
        assertThat(c.core(4).confState().getVotersList()).containsExactlyInAnyOrder(3L, 4L, 5L);
        c.destroy(1);
        c.destroy(2);
        c.destroy(5); // now 4 needs 3

        c.heal();
        var write = c.propose(4, "needs-3");
        c.tickUntil(() -> c.isCommitted(write), 10 * ELECTION, "3 and 4 commit");
    }

    /**
     * The same skew between two candidates: 1 (old configuration {1, 2, 3}, far ahead in terms) and 4
     * (configuration {1, 4}, needs 1's vote). 1's vote requests go to 2 and 3, which are gone; 4's
     * go to 1, whose term is higher. Unless 1 answers a stale-term vote request with its term, 4 never
     * catches up and neither ever wins. Core bug B9 in raft-core/docs/simulator-findings.md (seed 303938).
     */
    @Test
    void aCandidateBehindInTermsLearnsTheTermFromAVoterThatRefusesIt() {
        Cluster c = Cluster.builder().voters(1, 2, 3).config(b -> b.preVote(false).checkQuorum(false)).build();
        c.elect(2);
        c.isolate(1);
        c.tickAll(30 * ELECTION);

        c.startJoiner(4);
        c.proposeConfChange(2, addLearner(4));
        c.proposeConfChange(2, addVoter(4));
        c.proposeConfChange(2, remove(3));
        c.core(2).transferLeadership(4);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(4);
        c.proposeConfChange(4, remove(2));
        c.tickUntil(() -> c.core(4).confState().getVotersList().size() == 2, ELECTION, "config {1, 4}");
        c.destroy(2);
        c.destroy(3);
        c.crash(4);
        c.restart(4); // no leader; 4 must win 1's vote
        assertThat(c.core(1).term()).as("1 is far ahead in terms").isGreaterThan(c.core(4).term() + 5);

        c.heal();
        // (with randomized timeouts 4 needs a few tries: 1 keeps campaigning one term ahead until 4 wins)
        c.tickUntil(() -> c.leader() != 0, 60 * ELECTION, "1 or 4 leads");
        var write = c.propose(c.leader(), "at-last");
        assertThat(c.isCommitted(write)).isTrue();
    }
}
