package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.sim.Cluster;

/**
 * Appends lost on the wire are sent again: a heartbeat response from a follower that lags makes
 * the leader send an append (an empty one when its window is full or it already sent everything),
 * which the follower acknowledges or rejects, and either answer restarts replication. Core bug B2
 * in raft-core/docs/simulator-findings.md.
 */
class LostAppendRecoveryTest {

    @Test
    void entriesLostOnTheWireAreResentAfterTheNextHeartbeatResponse() {
        Cluster c = Cluster.builder().voters(1, 2, 3).config(b -> b.maxInflightMsgs(1)).build();
        c.elect(1);
        c.drop(m -> m.getType() == MessageType.MSG_APPEND && m.getEntriesCount() > 0);
        var lost = c.propose(1, "lost-once");
        assertThat(c.isCommitted(lost)).isFalse();
        c.heal();
        c.tickUntil(() -> c.isCommitted(lost), 5, "the lost entry is re-sent and commits");
        var next = c.propose(1, "replication-continues");
        assertThat(c.isCommitted(next)).isTrue();
    }

    @Test
    void aFollowerCutOffInReplicateStateCatchesUpAfterThePartitionHeals() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        c.propose(1, "in-replicate-state");
        c.isolate(3);
        var missed = c.propose(1, "missed-by-3");
        c.heal();
        c.tickUntil(() -> c.isApplied(3, missed), 5, "3 catches up");
    }
}
