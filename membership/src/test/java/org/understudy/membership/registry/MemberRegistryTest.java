package org.understudy.membership.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.membership.registry.Records.conf;
import static org.understudy.membership.registry.Records.ids;
import static org.understudy.membership.registry.Records.member;
import static org.understudy.membership.registry.Records.withRecords;
import static org.understudy.membership.registry.Records.withRemoval;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.membership.proto.RegistryImage;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.confchange.ConfChanger;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

class MemberRegistryTest {

    private static final ConfState THREE = conf(ids(1, 2, 3), ids());

    /** Applies {@code change} the way a node does: the result is what the core computes. */
    private static MemberRegistry apply(MemberRegistry r, long index, ConfChange change) {
        try {
            return r.apply(index, change, ConfChanger.next(r.confState(), change));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static MemberRegistry founders() {
        return MemberRegistry.bootstrap(THREE, List.of(member(1, "alpha"), member(2, "beta"), member(3, "gamma")));
    }

    @Test
    void bootstrapVotersWithoutRecordsGetBareRecords() {
        MemberRegistry r = MemberRegistry.bootstrap(THREE, List.of(member(2, "beta")));

        assertThat(r.confIndex()).isZero();
        assertThat(r.members()).extracting(Member::getName).containsExactly("node-1", "beta", "node-3");
        assertThat(r.members()).extracting(Member::getAddedIndex).containsOnly(1L);
        assertThat(r.voters()).hasSize(3);
        assertThat(r.learners()).isEmpty();
        assertThat(r.role(1)).isEqualTo(MemberRole.VOTER);
        assertThat(r.role(9)).isEqualTo(MemberRole.NONE);
    }

    @Test
    void bootstrapRefusesRecordsOutsideTheConfigurationAndDuplicates() {
        assertThatThrownBy(() -> MemberRegistry.bootstrap(THREE, List.of(member(4, "delta"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the founding configuration");
        assertThatThrownBy(() -> MemberRegistry.bootstrap(THREE, List.of(member(1, "x"), member(2, "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named 'x'");
        assertThatThrownBy(() -> MemberRegistry.bootstrap(THREE, List.of(member(1, "x"), member(1, "y"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two founder records");
    }

    @Test
    void addLearnerWithRecordThenPromoteKeepsTheRecord() {
        Member delta = member(4, "delta").toBuilder().setStandby(true).setAutoPromote(true).setAddedIndex(999).build();
        MemberRegistry added = apply(founders(), 5, withRecords(ConfChanges.addLearner(4), delta));

        assertThat(added.confIndex()).isEqualTo(5);
        assertThat(added.role(4)).isEqualTo(MemberRole.LEARNER);
        assertThat(added.learners()).extracting(Member::getName).containsExactly("delta");
        // added_index is the log's, whatever the writer put there
        assertThat(added.member(4).orElseThrow()).isEqualTo(delta.toBuilder().setAddedIndex(5).build());
        assertThat(added.byName("delta")).contains(added.member(4).orElseThrow());

        MemberRegistry promoted = apply(added, 9, ConfChanges.promote(4));

        assertThat(promoted.role(4)).isEqualTo(MemberRole.VOTER);
        assertThat(promoted.member(4)).isEqualTo(added.member(4));
        assertThat(promoted.learners()).isEmpty();
        assertThat(promoted.voters()).hasSize(4);
    }

    @Test
    void upsertUpdatesARecordButKeepsItsAddedIndex() {
        MemberRegistry added = apply(founders(), 5, withRecords(ConfChanges.addLearner(4), member(4, "delta")));
        Member moved = member(4, "delta").toBuilder().clearPeerUrls().addPeerUrls("tcp://10.9.9.9:7001").build();

        MemberRegistry promoted = apply(added, 7, withRecords(ConfChanges.promote(4), moved));

        assertThat(promoted.member(4).orElseThrow().getPeerUrlsList()).containsExactly("tcp://10.9.9.9:7001");
        assertThat(promoted.member(4).orElseThrow().getAddedIndex()).isEqualTo(5);
    }

    @Test
    void removeDropsTheRecord() {
        MemberRegistry added = apply(founders(), 5, withRecords(ConfChanges.addLearner(4), member(4, "delta")));

        MemberRegistry removed = apply(added, 6, withRemoval(ConfChanges.remove(4), 4));
        assertThat(removed.contains(4)).isFalse();
        assertThat(removed.byName("delta")).isEmpty();

        // without a context too: the configuration decides who is a member
        MemberRegistry removedBare = apply(added, 6, ConfChanges.remove(4));
        assertThat(removedBare).isEqualTo(removed);
        assertThat(removedBare.role(4)).isEqualTo(MemberRole.NONE);
    }

    @Test
    void aChangeWithoutRecordsGivesANewMemberABareRecord() {
        MemberRegistry r = apply(founders(), 4, ConfChanges.addLearner(7));
        assertThat(r.member(7).orElseThrow().getName()).isEqualTo("node-7");
        assertThat(r.member(7).orElseThrow().getAddedIndex()).isEqualTo(4);
    }

    @Test
    void jointReplaceKeepsTheOutgoingVoterUntilTheJointConfigurationIsLeft() {
        MemberRegistry added = apply(founders(), 5, withRecords(ConfChanges.addLearner(4), member(4, "delta")));

        MemberRegistry joint = apply(added, 8, withRemoval(ConfChanges.replace(3, 4), 3));

        assertThat(joint.isJoint()).isTrue();
        assertThat(joint.role(4)).isEqualTo(MemberRole.VOTER);
        assertThat(joint.role(3)).isEqualTo(MemberRole.VOTER_OUTGOING);
        assertThat(joint.member(3).orElseThrow().getName()).as("the outgoing voter keeps its record").isEqualTo("gamma");
        assertThat(joint.voters()).extracting(Member::getId).containsExactly(1L, 2L, 3L, 4L);

        MemberRegistry left = apply(joint, 9, ConfChanges.leaveJoint());

        assertThat(left.isJoint()).isFalse();
        assertThat(left.contains(3)).isFalse();
        assertThat(left.ids()).containsExactly(1L, 2L, 4L);
        assertThat(left.member(4).orElseThrow().getName()).isEqualTo("delta");
    }

    @Test
    void demotionInAJointConfigurationIsLearnerNext() {
        ConfChange demoteAndAdd = ConfChange.newBuilder()
                .setTransition(org.understudy.raft.proto.ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT)
                .addChanges(ConfChanges.change(org.understudy.raft.proto.ConfChangeType.CONF_CHANGE_ADD_LEARNER, 3))
                .addChanges(ConfChanges.change(org.understudy.raft.proto.ConfChangeType.CONF_CHANGE_ADD_VOTER, 4))
                .build();
        MemberRegistry joint = apply(founders(), 5, withRecords(demoteAndAdd, member(4, "delta")));

        assertThat(joint.role(3)).isEqualTo(MemberRole.LEARNER_NEXT);
        assertThat(MemberRole.LEARNER_NEXT.votes()).isTrue();
        assertThat(joint.member(3).orElseThrow().getName()).isEqualTo("gamma");

        MemberRegistry left = apply(joint, 6, ConfChanges.leaveJoint());
        assertThat(left.role(3)).isEqualTo(MemberRole.LEARNER);
        assertThat(left.learners()).extracting(Member::getName).containsExactly("gamma");
    }

    @Test
    void aRecordForANodeOutsideTheConfigurationIsDropped() {
        MemberRegistry r = apply(founders(), 5, withRecords(ConfChanges.addLearner(4), member(4, "delta"), member(5, "eps")));
        assertThat(r.ids()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void malformedContextsAreReportedAndOnlyTheirRecordsIgnored() {
        MemberRegistry start = founders();
        List<ConfChange> malformed = List.of(
                ConfChanges.addLearner(4).toBuilder().setContext(ByteString.copyFromUtf8("\u00ff\u00ffnot protobuf")).build(),
                withRecords(ConfChanges.addLearner(4), member(0, "zero")),
                withRecords(ConfChanges.addLearner(4), member(4, "delta"), member(4, "delta2")),
                MembershipContext.attach(ConfChanges.addLearner(4), MembershipChange.newBuilder()
                        .addUpsert(member(4, "delta")).addRemove(4).build()),
                withRecords(ConfChanges.addLearner(4), member(4, "alpha")));
        for (ConfChange cc : malformed) {
            List<String> problems = new ArrayList<>();
            MemberRegistry r;
            try {
                r = start.apply(5, cc, ConfChanger.next(start.confState(), cc), problems::add);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(problems).as("context %s", cc.getContext()).hasSize(1).allMatch(p -> p.startsWith("index 5:"));
            // the configuration change still happened; the new member has a bare record, others keep theirs
            assertThat(r.role(4)).isEqualTo(MemberRole.LEARNER);
            assertThat(r.member(4).orElseThrow().getName()).isEqualTo("node-4");
            assertThat(r.member(1).orElseThrow().getName()).isEqualTo("alpha");
            assertThat(r.confIndex()).isEqualTo(5);
        }
    }

    @Test
    void applyRefusesChangesOutOfLogOrder() {
        MemberRegistry r = apply(founders(), 5, ConfChanges.addLearner(4));
        assertThatThrownBy(() -> r.apply(5, ConfChanges.remove(4), THREE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log order");
    }

    @Test
    void imageRoundTripsAndIsCanonical() {
        MemberRegistry r = apply(apply(founders(), 5, withRecords(ConfChanges.addLearner(4), member(4, "delta"))),
                8, withRemoval(ConfChanges.replace(3, 4), 3));

        RegistryImage image = r.image();
        assertThat(image.getFormat()).isEqualTo(MemberRegistry.FORMAT);
        MemberRegistry back = MemberRegistry.fromImage(image);
        assertThat(back).isEqualTo(r);
        assertThat(back.role(3)).isEqualTo(MemberRole.VOTER_OUTGOING);
        assertThat(back.image().toByteString()).isEqualTo(image.toByteString());
        assertThat(MemberRegistry.fromImage(image, r.confState())).isEqualTo(r);
        assertThat(MemberRegistry.fromImage(MemberRegistry.empty().image())).isEqualTo(MemberRegistry.empty());
    }

    @Test
    void fromImageRefusesUnknownFormatsAndInconsistentImages() {
        RegistryImage good = founders().image();

        assertThatThrownBy(() -> MemberRegistry.fromImage(good.toBuilder().setFormat(2).build()))
                .isInstanceOf(RegistryImageException.class).hasMessageContaining("format 2 is not supported")
                .hasMessageContaining("newer version");
        assertThatThrownBy(() -> MemberRegistry.fromImage(good.toBuilder().setFormat(0).build()))
                .isInstanceOf(RegistryImageException.class).hasMessageContaining("format 0");
        assertThatThrownBy(() -> MemberRegistry.fromImage(good.toBuilder().clearConfState().build()))
                .isInstanceOf(RegistryImageException.class).hasMessageContaining("no configuration");
        assertThatThrownBy(() -> MemberRegistry.fromImage(good.toBuilder().removeMembers(0).build()))
                .isInstanceOf(RegistryImageException.class).hasMessageContaining("but its configuration has");
        assertThatThrownBy(() -> MemberRegistry.fromImage(good.toBuilder().addMembers(member(1, "again")).build()))
                .isInstanceOf(RegistryImageException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> MemberRegistry.fromImage(good, conf(ids(1, 2), ids())))
                .isInstanceOf(RegistryImageException.class).hasMessageContaining("was taken in configuration");
    }
}
