package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.sim.Cluster;

/**
 * A snapshot that arrives while a Ready with committed configuration changes is still being
 * handled (written, applied) must not make the core apply those changes twice: the snapshot's
 * configuration already contains them. Core bug B3 in raft-core/docs/simulator-findings.md.
 */
class SnapshotRaceTest {

    @Test
    void aSnapshotAcceptedWhileCommittedConfChangesAreInFlightDoesNotReapplyThem() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        c.hold(3);
        long enter = c.core(1).lastIndex() + 1;
        // 3 learns that entering the joint configuration committed, not that leaving it did
        c.drop(m -> m.getTo() == 3 && m.getCommit() > enter);
        c.proposeConfChange(1, Cluster.joint(Cluster.single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, 4)));
        c.tickAll(2); // 1 and 2 enter and (automatically) leave the joint configuration
        assertThat(c.core(1).confState().getVotersOutgoingList()).isEmpty();
        assertThat(c.core(1).confState().getLearnersList()).containsExactly(4L);

        // 3's disk and apply thread are slow: it has the entries and knows some are committed,
        // and takes the Ready that hands them out, but has not advanced it yet.
        assertThat(c.core(3).commitIndex()).isEqualTo(enter);
        c.node(3).beginReady();
        c.isolate(3);
        c.propose(1, "more");
        var snapshot = c.node(1).compactNow();
        assertThat(snapshot.getConfState().getVotersOutgoingList()).isEmpty();
        assertThat(snapshot.getIndex()).isGreaterThan(c.core(3).commitIndex());

        c.node(3).receive(c.node(1).snapshotMessageTo(3));
        c.heal();
        c.release(3);
        c.tickAll(2);

        assertThat(c.core(3).confState()).as("3 has the leader's configuration")
                .isEqualTo(c.core(1).confState());
        assertThat(c.node(3).stateMachine().digest()).isEqualTo(c.node(1).stateMachine().digest());
    }
}
