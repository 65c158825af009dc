package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.sim.Cluster;

/** ReadIndex (thesis §6.4) in SAFE mode: answered only once a quorum confirmed the leadership. */
class ReadIndexTest {

    @Test
    void safeReadIndexIsAnsweredOnlyAfterAHeartbeatQuorum() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        var write = c.propose(1, "written-before-the-read");
        c.isolate(2, 3);
        c.readIndex(1, 7);
        c.stabilize();
        c.tickAll(3);
        assertThat(c.readStates(1)).as("no quorum has confirmed the leadership yet").isEmpty();

        c.heal();
        c.tickAll(1);
        assertThat(c.readStates(1)).singleElement().satisfies(rs -> {
            assertThat(rs.requestId()).isEqualTo(7);
            assertThat(rs.index()).isGreaterThanOrEqualTo(write.index());
        });
    }

    @Test
    void aFollowersReadIndexIsServedThroughTheLeader() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        var write = c.propose(1, "w");
        c.readIndex(2, 11);
        c.stabilize();
        c.tickAll(1);
        assertThat(c.readStates(2)).singleElement().satisfies(rs -> {
            assertThat(rs.requestId()).isEqualTo(11);
            assertThat(rs.index()).isGreaterThanOrEqualTo(write.index());
        });
    }

    /**
     * A read-index answer that came over a network transport: its context is a slice of the frame
     * it was parsed from (protobuf aliasing), whose buffer view does not start at 0. Reading the
     * request id at an absolute offset of that view picked bytes of the frame before the context,
     * so a follower's read never matched its request (found by the raft-kv example over Netty).
     */
    @Test
    void aReadIndexAnswerWhoseContextIsASliceOfALargerBufferFindsItsRequest() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        var write = c.propose(1, "w");
        c.stabilize();
        // 2 asks; the leader's own answer is lost, and the same answer arrives as a slice instead
        c.drop(m -> m.getType() == org.understudy.raft.proto.MessageType.MSG_READ_INDEX_RESP && m.getTo() == 2);
        c.readIndex(2, 13);
        c.stabilize();
        c.tickAll(1);
        assertThat(c.readStates(2)).isEmpty();
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(40);
        frame.putLong(0x5a5a5a5a5a5a5a5aL).putLong(2).putLong(13).putLong(-1).putLong(-1);
        com.google.protobuf.ByteString context = com.google.protobuf.ByteString.copyFrom(frame.array()).substring(8, 24);
        c.core(2).step(org.understudy.raft.proto.RaftMessage.newBuilder()
                .setType(org.understudy.raft.proto.MessageType.MSG_READ_INDEX_RESP).setFrom(1).setTo(2)
                .setTerm(c.core(1).term()).setIndex(write.index()).setContext(context).build());
        c.stabilize();
        assertThat(c.readStates(2)).singleElement().satisfies(rs -> {
            assertThat(rs.requestId()).isEqualTo(13);
            assertThat(rs.index()).isEqualTo(write.index());
        });
    }

    /**
     * A leader that demoted itself keeps leading its term while it hands over, but it is no longer
     * counted: it must not serve reads on its own. Here the only voter, 2, already leads term 3 and
     * committed more, and 1 has not heard of it. Core bug B4 in raft-core/docs/simulator-findings.md.
     */
    @Test
    void aDemotedLeaderHandingOverNeverServesAStaleRead() {
        Cluster c = Cluster.ofVoters(1, 2);
        c.elect(1);
        c.propose(1, "a");
        long oldTerm = c.core(1).term();
        c.drop(m -> m.getFrom() == 2 && m.getTo() == 1 && m.getTerm() > oldTerm);
        c.proposeConfChange(1, org.understudy.raft.core.ConfChanges.demote(1));
        c.tickUntil(() -> c.core(2).role() == Role.LEADER, 3 * 10, "2, the only voter, leads");
        var newer = c.propose(2, "committed-by-2-alone");
        assertThat(c.isCommitted(newer)).isTrue();
        assertThat(c.core(1).role()).as("1 has not heard of term 3 yet").isEqualTo(Role.LEADER);

        c.readIndex(1, 5);
        c.stabilize();
        assertThat(c.readStates(1)).allSatisfy(rs -> assertThat(rs.refused() || rs.index() >= newer.index())
                .as("read %s must not miss %s", rs, newer).isTrue());
    }
}
