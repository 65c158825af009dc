package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.sim.Cluster;

/** What {@link ForceNewCluster} cuts, appends and persists, and that a core started on it leads alone. */
class ForceNewClusterTest {

    private static ConfState voters(long... ids) {
        ConfState.Builder b = ConfState.newBuilder();
        for (long id : ids) {
            b.addVoters(id);
        }
        return b.build();
    }

    private static SnapshotMetadata snapshot(long index, long term, ConfState conf) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(conf).build();
    }

    private static HardState hardState(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    private static Entry confEntry(long index, long term, ConfChange cc) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(cc.toByteString()).build();
    }

    private static List<ConfChange> changes(ForceNewCluster.Plan plan) throws InvalidProtocolBufferException {
        List<ConfChange> out = new ArrayList<>();
        for (Entry e : plan.entries()) {
            assertThat(e.getType()).isEqualTo(EntryType.ENTRY_CONF_CHANGE);
            out.add(ConfChange.parseFrom(e.getData()));
        }
        return out;
    }

    @Test
    void cutsAfterTheCommitIndexAndRemovesEveryOtherVoterInTheNextTerm() throws Exception {
        ForceNewCluster.Plan plan = ForceNewCluster.plan(1, snapshot(1, 1, voters(1, 2, 3)), List.of(),
                hardState(3, 2, 10), 3, 12);

        assertThat(plan.commitIndex()).isEqualTo(10);
        assertThat(plan.discardFrom()).isEqualTo(11);
        assertThat(plan.discarded()).isEqualTo(2);
        assertThat(plan.before()).isEqualTo(voters(1, 2, 3));
        assertThat(changes(plan)).containsExactly(ConfChanges.remove(2), ConfChanges.remove(3));
        assertThat(plan.entries()).extracting(Entry::getIndex).containsExactly(11L, 12L);
        assertThat(plan.entries()).extracting(Entry::getTerm).containsOnly(4L);
        assertThat(plan.hardState()).as("the next term, no vote, commit at the last new entry")
                .isEqualTo(hardState(4, 0, 12));
        assertThat(plan.removed()).containsExactly(2L, 3L);
        assertThat(plan.after()).isEqualTo(voters(1));
        assertThat(plan.nothingToDo()).isFalse();
    }

    @Test
    void takesTheConfigurationFromTheSnapshotAndTheCommittedChangesAfterItAndRemovesLearnersToo() throws Exception {
        ConfState snap = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addLearners(5).build();
        List<Entry> committed = List.of(
                confEntry(7, 2, ConfChanges.addLearner(4)),
                confEntry(9, 2, ConfChanges.remove(5)));

        ForceNewCluster.Plan plan = ForceNewCluster.plan(2, snapshot(5, 2, snap), committed, hardState(2, 0, 9), 2, 9);

        assertThat(plan.before()).isEqualTo(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)
                .addLearners(4).build());
        assertThat(plan.discarded()).isZero();
        assertThat(changes(plan)).containsExactly(ConfChanges.remove(1), ConfChanges.remove(3), ConfChanges.remove(4));
        assertThat(plan.removed()).containsExactly(1L, 3L, 4L);
        assertThat(plan.hardState().getCommit()).isEqualTo(12);
        assertThat(plan.after()).isEqualTo(voters(2));
    }

    @Test
    void aCommitIndexBehindTheSnapshotCountsFromTheSnapshot() {
        ForceNewCluster.Plan plan = ForceNewCluster.plan(1, snapshot(20, 4, voters(1, 2)), List.of(),
                hardState(5, 0, 15), 4, 20);

        assertThat(plan.commitIndex()).isEqualTo(20);
        assertThat(plan.entries()).extracting(Entry::getIndex).containsExactly(21L);
    }

    @Test
    void leavesAJointConfigurationFirst() throws Exception {
        ConfState joint = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(4)
                .addVotersOutgoing(1).addVotersOutgoing(2).addVotersOutgoing(3).setAutoLeave(true).build();

        ForceNewCluster.Plan plan = ForceNewCluster.plan(1, snapshot(8, 2, joint), List.of(), hardState(2, 1, 8), 2, 8);

        assertThat(changes(plan)).containsExactly(ConfChanges.leaveJoint(), ConfChanges.remove(2), ConfChanges.remove(4));
        assertThat(plan.removed()).containsExactly(2L, 3L, 4L);
        assertThat(plan.after()).isEqualTo(voters(1));
    }

    @Test
    void anOutgoingVoterOnItsWayOutIsMadeAVoterAgain() throws Exception {
        ConfState joint = ConfState.newBuilder().addVoters(1).addVoters(2)
                .addVotersOutgoing(1).addVotersOutgoing(2).addVotersOutgoing(3).build();

        ForceNewCluster.Plan plan = ForceNewCluster.plan(3, snapshot(8, 2, joint), List.of(), hardState(2, 1, 8), 2, 8);

        assertThat(changes(plan)).containsExactly(ConfChanges.leaveJoint(), ConfChanges.addVoter(3),
                ConfChanges.remove(1), ConfChanges.remove(2));
        assertThat(plan.after()).isEqualTo(voters(3));
    }

    @Test
    void aNodeAlreadyAloneChangesNothing() {
        HardState hs = hardState(4, 1, 30);

        ForceNewCluster.Plan plan = ForceNewCluster.plan(1, snapshot(1, 1, voters(1, 2)),
                List.of(confEntry(12, 3, ConfChanges.remove(2))), hs, 4, 33);

        assertThat(plan.nothingToDo()).isTrue();
        assertThat(plan.discarded()).as("its uncommitted tail is its own business").isZero();
        assertThat(plan.hardState()).isEqualTo(hs);
        assertThat(plan.removed()).isEmpty();
    }

    @Test
    void aLearnerIsRefused() {
        ConfState conf = ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(3).build();

        RaftException e = catchThrowableOfType(RaftException.class,
                () -> ForceNewCluster.plan(3, snapshot(5, 2, conf), List.of(), hardState(2, 0, 5), 2, 5));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER);
        assertThat(e.getMessage()).contains("node 3 is a learner");
    }

    @Test
    void theRefusalsWriteIdsInTheGivenFormat() {
        ConfState conf = ConfState.newBuilder().addVoters(1).addVoters(26).addLearners(255).build();

        RaftException learner = catchThrowableOfType(RaftException.class, () -> ForceNewCluster.plan(255,
                NodeIdFormat.HEX, snapshot(5, 2, conf), List.of(), hardState(2, 0, 5), 2, 5));
        assertThat(learner.getMessage()).startsWith("node ff is a learner in its last configuration (voters [1, 1a])");

        RaftException removed = catchThrowableOfType(RaftException.class, () -> ForceNewCluster.plan(0xabc,
                NodeIdFormat.HEX, snapshot(5, 2, conf), List.of(), hardState(2, 0, 5), 2, 5));
        assertThat(removed.getMessage()).startsWith("node abc is not a member of its last configuration"
                + " (voters [1, 1a], learners [ff])");
        assertThat(removed.details()).containsEntry("commitIndex", "5");
    }

    @Test
    void aVoterBeingDemotedInAJointConfigurationStillCountsAsAVoter() throws Exception {
        ConfState joint = ConfState.newBuilder().addVoters(1).addVoters(2)
                .addVotersOutgoing(1).addVotersOutgoing(2).addVotersOutgoing(3).addLearnersNext(3).build();

        ForceNewCluster.Plan plan = ForceNewCluster.plan(3, snapshot(8, 2, joint), List.of(), hardState(2, 1, 8), 2, 8);

        assertThat(changes(plan)).startsWith(ConfChanges.leaveJoint(), ConfChanges.promote(3));
        assertThat(plan.after()).isEqualTo(voters(3));
    }

    @Test
    void aRemovedNodeOrOneWithoutAConfigurationIsRefused() {
        RaftException removed = catchThrowableOfType(RaftException.class, () -> ForceNewCluster.plan(3,
                snapshot(1, 1, voters(1, 2, 3)), List.of(confEntry(4, 2, ConfChanges.remove(3))),
                hardState(2, 0, 4), 2, 4));
        assertThat(removed.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(removed.getMessage()).contains("not a member");

        RaftException none = catchThrowableOfType(RaftException.class, () -> ForceNewCluster.plan(3,
                SnapshotMetadata.getDefaultInstance(), List.of(), HardState.getDefaultInstance(), 0, 0));
        assertThat(none.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(none.getMessage()).contains("nothing to force");
    }

    @Test
    void takesTheTermAfterTheHighestItKnowsEvenIfTheCommittedEntryIsAhead() {
        ForceNewCluster.Plan plan = ForceNewCluster.plan(1, snapshot(1, 1, voters(1, 2)), List.of(),
                hardState(3, 2, 10), 4, 10);

        assertThat(plan.entries()).extracting(Entry::getTerm).containsOnly(5L);
        assertThat(plan.hardState()).isEqualTo(hardState(5, 0, 11));
    }

    @Test
    void contradictoryInputsAreBugs() {
        assertThatThrownBy(() -> ForceNewCluster.plan(1, snapshot(1, 1, voters(1, 2)), List.of(),
                hardState(2, 0, 10), 2, 9)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before");
        assertThatThrownBy(() -> ForceNewCluster.plan(1, snapshot(5, 1, voters(1, 2)),
                List.of(confEntry(4, 1, ConfChanges.remove(2))), hardState(2, 0, 10), 2, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 4");
        ConfChange removesEveryone = ConfChange.newBuilder()
                .addChanges(ConfChanges.change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, 1))
                .addChanges(ConfChanges.change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, 2))
                .build();
        assertThatThrownBy(() -> ForceNewCluster.plan(1, snapshot(1, 1, voters(1, 2)),
                List.of(confEntry(4, 1, removesEveryone)), hardState(2, 0, 10), 2, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not apply");
    }

    /**
     * The core restarted on a rewritten log starts from the snapshot's configuration, applies the
     * forced removals like any committed change, and only then campaigns, alone.
     */
    @Test
    void aCoreRestartedOnThePlanLeadsAloneWithWhatItCommittedAndWithoutWhatItDidNot() {
        Cluster c = Cluster.ofVoters(1, 2, 3);
        c.elect(1);
        EntryId a = c.propose(1, "a");
        EntryId b = c.propose(1, "b");
        c.destroy(2);
        c.destroy(3);
        EntryId lost = c.propose(1, "lost");
        assertThat(c.isCommitted(lost)).isFalse();
        c.crash(1);

        MemoryLogStorage log = c.node(1).log();
        SnapshotMetadata snap = c.node(1).snapshots().latest().orElseThrow();
        long commit = log.hardState().getCommit();
        List<Entry> confs = log.entries(snap.getIndex() + 1, commit + 1, Long.MAX_VALUE).stream()
                .filter(e -> e.getType() == EntryType.ENTRY_CONF_CHANGE).toList();
        ForceNewCluster.Plan plan = ForceNewCluster.plan(1, snap, confs, log.hardState(), log.term(commit),
                log.lastIndex());
        assertThat(plan.discarded()).isEqualTo(1);
        assertThat(plan.entries().get(0).getIndex()).as("where 'lost' was").isEqualTo(lost.index());
        assertThat(plan.entries().get(0).getTerm()).as("a term 'lost' can't have").isGreaterThan(lost.term());
        log.truncateSuffix(plan.discardFrom());
        log.append(plan.entries());
        log.setHardState(plan.hardState());
        log.sync();

        c.restart(1);
        c.tickUntil(() -> c.leader() == 1, 5 * 10, "1 leads alone");
        assertThat(c.core(1).confState()).isEqualTo(voters(1));
        assertThat(c.isApplied(1, a)).isTrue();
        assertThat(c.isApplied(1, b)).isTrue();
        EntryId after = c.propose(1, "after");
        assertThat(c.isCommitted(after)).isTrue();
        assertThat(c.isCommitted(lost)).isFalse();
    }
}
