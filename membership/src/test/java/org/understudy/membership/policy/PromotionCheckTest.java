package org.understudy.membership.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.Role;
import org.understudy.raft.core.tracker.ProgressState;

class PromotionCheckTest {

    private static final long ELECTION_TIMEOUT = 1_000;
    private final PromotionCheck check = new PromotionCheck(1_000, ELECTION_TIMEOUT);

    /** Leader 1, voters 1..3, learner 4, everyone caught up and active unless changed. */
    private static Statuses threeVotersAndLearner4() {
        return Statuses.leader(1).lastIndex(10_000).voters(1, 2, 3).learners(4);
    }

    @Nested
    class MemberChecks {
        @Test
        void anUnknownMemberIsNotFound() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().build(), 9);
            assertThat(v.outcome()).isEqualTo(PromotionOutcome.MEMBER_NOT_FOUND);
            RaftException e = v.toException();
            assertThat(e.code()).isEqualTo(ErrorCode.MEMBER_NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("member 9 is not in the cluster configuration");
            assertThat(e.details()).containsEntry("reason", "MEMBER_NOT_FOUND").containsEntry("memberId", "9")
                    .doesNotContainKey("lag");
        }

        @Test
        void aVoterIsNotALearner() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().build(), 2);
            assertThat(v.outcome()).isEqualTo(PromotionOutcome.NOT_A_LEARNER);
            assertThat(v.toException().code()).isEqualTo(ErrorCode.NOT_A_LEARNER);
            assertThat(v.message()).isEqualTo("member 2 is already a voter; only a learner can be promoted");
        }

        @Test
        void aVoterLeavingAJointConfigurationIsNotALearnerEither() {
            CoreStatus s = Statuses.leader(1).voters(1, 2, 4).outgoing(1, 2, 3).build();
            PromotionVerdict v = check.promote(s, 3);
            assertThat(v.outcome()).isEqualTo(PromotionOutcome.NOT_A_LEARNER);
            assertThat(v.message()).contains("a voter being removed");
        }

        @Test
        void onlyTheLeaderDecides() {
            CoreStatus follower = threeVotersAndLearner4().role(Role.FOLLOWER).build();
            assertThatThrownBy(() -> check.promote(follower, 4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("decided on the leader");
        }

        @Test
        void anAcceptanceIsNotAnError() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().build(), 4);
            assertThat(v.accepted()).isTrue();
            assertThatThrownBy(v::toException).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Readiness {
        @Test
        void lagJustUnderTheThresholdIsAccepted() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().lag(4, 999).build(), 4);
            assertThat(v.accepted()).isTrue();
            assertThat(v.lag()).isEqualTo(999);
            assertThat(v.threshold()).isEqualTo(1_000);
            assertThat(v.match()).isEqualTo(9_001);
            assertThat(v.leaderLastIndex()).isEqualTo(10_000);
            assertThat(v.activeVoters()).isEqualTo(4);
            assertThat(v.neededVoters()).isEqualTo(3);
        }

        @Test
        void lagAtTheThresholdIsRefused() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().lag(4, 1_000).build(), 4);
            assertThat(v.outcome()).isEqualTo(PromotionOutcome.LEARNER_NOT_READY);
            assertThat(v.reason()).isEqualTo(NotReadyReason.LAGGING);
            assertThat(v.lag()).isEqualTo(1_000);
        }

        @Test
        void aLaggingRefusalSaysHowFarBehindAndWhatToDo() {
            CoreStatus s = Statuses.leader(1).lastIndex(31_000).voters(1, 2, 3).learners(4).lag(4, 5_123).build();
            RaftException e = check.promote(s, 4).toException();
            assertThat(e.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
            assertThat(e.getMessage()).isEqualTo("learner 4 lags 5123 entries behind the leader (threshold 1000,"
                    + " 83% caught up); wait for it to catch up, or raise promoteMaxLag");
            assertThat(e.details())
                    .containsEntry("reason", "LAGGING")
                    .containsEntry("lag", "5123")
                    .containsEntry("threshold", "1000")
                    .containsEntry("match", "25877")
                    .containsEntry("leaderLastIndex", "31000")
                    .containsEntry("matchRatio", "0.8347")
                    .containsEntry("snapshotInFlight", "false")
                    .containsEntry("activeVoters", "4")
                    .containsEntry("neededVoters", "3");
        }

        @Test
        void aLearnerNotHeardFromIsNotReadyWhateverItsLag() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().inactive(4).lag(4, 5_000).build(), 4);
            assertThat(v.reason()).isEqualTo(NotReadyReason.NOT_RECENTLY_ACTIVE);
            assertThat(v.message()).startsWith("learner 4 has not been heard from within an election timeout (1000 ms)")
                    .contains("check that it is running and reachable");
            assertThat(v.lag()).isEqualTo(5_000); // the numbers are there all the same
        }

        @Test
        void aPendingSnapshotRefusesEvenWhenTheLagLooksSmall() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().lag(4, 10).snapshotting(4, 9_990).build(), 4);
            assertThat(v.reason()).isEqualTo(NotReadyReason.SNAPSHOT_IN_FLIGHT);
            assertThat(v.snapshotInFlight()).isTrue();
            assertThat(v.pendingSnapshot()).isEqualTo(9_990);
            assertThat(v.message()).contains("still receiving a snapshot (index 9990)");
            assertThat(v.toException().details()).containsEntry("snapshotInFlight", "true")
                    .containsEntry("pendingSnapshot", "9990");
        }

        @Test
        void theSnapshotStateAloneAlsoCountsAsInFlight() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().state(4, ProgressState.SNAPSHOT).build(), 4);
            assertThat(v.reason()).isEqualTo(NotReadyReason.SNAPSHOT_IN_FLIGHT);
        }

        @Test
        void anEmptyLogIsFullyCaughtUp() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().lastIndex(0).build(), 4);
            assertThat(v.accepted()).isTrue();
            assertThat(v.matchRatio()).isEqualTo(1.0);
            assertThat(v.percentCaughtUp()).isEqualTo(100);
        }

        @Test
        void theRatioIsRoundedDownSoAlmostCaughtUpIsNotOneHundredPercent() {
            CoreStatus s = Statuses.leader(1).lastIndex(1_000_000).voters(1).learners(2).lag(2, 1).build();
            assertThat(new PromotionCheck(1, ELECTION_TIMEOUT).promote(s, 2).message()).contains("99% caught up");
        }
    }

    @Nested
    class Quorum {
        @Test
        void twoVotersWithOneDownCannotCommitAPromotion() {
            CoreStatus s = Statuses.leader(1).voters(1, 2).learners(3).inactive(2).build();
            PromotionVerdict v = check.promote(s, 3);
            assertThat(v.reason()).isEqualTo(NotReadyReason.QUORUM_AT_RISK);
            assertThat(v.activeVoters()).isEqualTo(1);
            assertThat(v.neededVoters()).isEqualTo(2);
            assertThat(v.message()).contains("cannot commit").contains("1 of 2 voters reachable")
                    .contains("fewer than the 2 a quorum needs");
        }

        @Test
        void threeVotersWithOneDownMayPromoteAnActiveLearner() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().inactive(3).build(), 4);
            assertThat(v.accepted()).isTrue();
            assertThat(v.activeVoters()).isEqualTo(3); // 1, 2 and the promoted 4, of 4
            assertThat(v.neededVoters()).isEqualTo(3);
        }

        @Test
        void threeVotersWithTwoDownMayNot() {
            PromotionVerdict v = check.promote(threeVotersAndLearner4().inactive(2, 3).build(), 4);
            assertThat(v.reason()).isEqualTo(NotReadyReason.QUORUM_AT_RISK);
            assertThat(v.activeVoters()).isEqualTo(1);
            assertThat(v.neededVoters()).isEqualTo(2);
        }

        @Test
        void aSmoothedLivenessBridgesTheCoresPeriodicFlagReset() {
            // The core clears recentActive at each election timeout; right after, every peer reads inactive.
            ContactTracker contacts = new ContactTracker(ELECTION_TIMEOUT);
            contacts.observe(threeVotersAndLearner4().build(), 0);
            CoreStatus justReset = threeVotersAndLearner4().inactive(2, 3, 4).build();
            contacts.observe(justReset, 100);
            assertThat(check.promote(justReset, 4).accepted()).isFalse();
            assertThat(check.promote(justReset, 4, contacts.liveness(100)).accepted()).isTrue();
            // ...but not for longer than an election timeout.
            contacts.observe(justReset, 1_001);
            assertThat(check.promote(justReset, 4, contacts.liveness(1_001)).reason())
                    .isEqualTo(NotReadyReason.NOT_RECENTLY_ACTIVE);
        }
    }

    @Nested
    class SeedFigures {
        @Test
        void figure6_aMemberThatHasNotStartedIsRefusedWhileAVoterIsCutOff() {
            // 3 voters, voter 3 cut off; making a not-yet-started member a voter would need 3 of 4 with 2 up.
            CoreStatus s = threeVotersAndLearner4().inactive(3, 4).match(4, 0).build();
            PromotionVerdict v = check.promote(s, 4);
            assertThat(v.reason()).isEqualTo(NotReadyReason.NOT_RECENTLY_ACTIVE);
            assertThat(v.activeVoters()).isEqualTo(2);
            assertThat(v.neededVoters()).isEqualTo(3);
            // Once it runs and has caught up as a learner, the quorum survives its promotion.
            PromotionVerdict later = check.promote(threeVotersAndLearner4().inactive(3).build(), 4);
            assertThat(later.accepted()).isTrue();
            assertThat(later.activeVoters()).isEqualTo(3);
        }

        @Test
        void figure7_aOneNodeClusterPromotesOnlyARunningLearner() {
            CoreStatus notStarted = Statuses.leader(1).voters(1).learners(2).inactive(2).match(2, 0).build();
            PromotionVerdict v = check.promote(notStarted, 2);
            assertThat(v.reason()).isEqualTo(NotReadyReason.NOT_RECENTLY_ACTIVE);
            assertThat(v.activeVoters()).isEqualTo(1);
            assertThat(v.neededVoters()).isEqualTo(2);
            CoreStatus running = Statuses.leader(1).voters(1).learners(2).build();
            PromotionVerdict ok = check.promote(running, 2);
            assertThat(ok.accepted()).isTrue();
            assertThat(ok.activeVoters()).isEqualTo(2);
            assertThat(ok.neededVoters()).isEqualTo(2);
        }

        @Test
        void figures10to12_aNewLearnerIsRefusedWithItsLagUntilItHasCaughtUp() {
            // Figure 10: just added, empty.
            PromotionVerdict tooEarly = check.promote(threeVotersAndLearner4().match(4, 0).build(), 4);
            assertThat(tooEarly.reason()).isEqualTo(NotReadyReason.LAGGING);
            assertThat(tooEarly.toException().details()).containsEntry("lag", "10000").containsEntry("matchRatio",
                    "0.0000");
            assertThat(tooEarly.message()).contains("0% caught up");
            // Receiving the snapshot.
            PromotionVerdict snap = check.promote(threeVotersAndLearner4().match(4, 0).snapshotting(4, 9_000).build(), 4);
            assertThat(snap.reason()).isEqualTo(NotReadyReason.SNAPSHOT_IN_FLIGHT);
            // Figure 11: caught up to within the threshold.
            PromotionVerdict ready = check.promote(threeVotersAndLearner4().lag(4, 500).build(), 4);
            assertThat(ready.accepted()).isTrue();
            assertThat(ready.message()).isEqualTo("learner 4 is ready: lag 500 (threshold 1000), 95% caught up;"
                    + " 4 of 4 voters reachable after the change");
        }
    }

    @Nested
    class Replace {
        @Test
        void replacesADownVoterByAReadyLearner() {
            PromotionVerdict v = check.replace(threeVotersAndLearner4().inactive(3).build(), 3, 4);
            assertThat(v.accepted()).isTrue();
            assertThat(v.voterId()).isEqualTo(3);
            assertThat(v.activeVoters()).isEqualTo(3); // 1, 2, 4 of {1, 2, 4}
            assertThat(v.neededVoters()).isEqualTo(2);
            assertThat(v.details()).containsEntry("voterId", "3");
            assertThat(v.message()).isEqualTo("learner 4 is ready to replace voter 3: lag 0 (threshold 1000), 100%"
                    + " caught up; 3 of 3 voters reachable after the change");
        }

        @Test
        void mayReplaceTheLeaderItself() {
            assertThat(check.replace(threeVotersAndLearner4().build(), 1, 4).accepted()).isTrue();
        }

        @Test
        void refusesNonsense() {
            CoreStatus s = threeVotersAndLearner4().build();
            assertThat(check.replace(s, 4, 4).outcome()).isEqualTo(PromotionOutcome.SAME_MEMBER);
            assertThat(check.replace(s, 4, 4).toException().code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(check.replace(s, 9, 4).outcome()).isEqualTo(PromotionOutcome.MEMBER_NOT_FOUND);
            assertThat(check.replace(s, 9, 4).message()).contains("voter 9 to replace");
            assertThat(check.replace(s, 4, 2).outcome()).isEqualTo(PromotionOutcome.NOT_A_VOTER);
            assertThat(check.replace(s, 4, 2).toException().code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(check.replace(s, 2, 3).outcome()).isEqualTo(PromotionOutcome.NOT_A_LEARNER);
            assertThat(check.replace(s, 2, 8).outcome()).isEqualTo(PromotionOutcome.MEMBER_NOT_FOUND);
        }

        @Test
        void theLearnerMustBeReadyAsForAPromotion() {
            PromotionVerdict v = check.replace(threeVotersAndLearner4().inactive(3).lag(4, 1_000).build(), 3, 4);
            assertThat(v.reason()).isEqualTo(NotReadyReason.LAGGING);
            assertThat(v.message()).startsWith("cannot replace voter 3 by learner 4: learner 4 lags 1000 entries");
        }

        @Test
        void theOldVoterSetMustHaveAReachableMajorityToCommitTheJointChange() {
            // 2 voters, 2 down: the old set {1, 2} has only 1 of 2 even though the new set {1, 3} would have 2.
            CoreStatus s = Statuses.leader(1).voters(1, 2).learners(3).inactive(2).build();
            PromotionVerdict v = check.replace(s, 2, 3);
            assertThat(v.reason()).isEqualTo(NotReadyReason.QUORUM_AT_RISK);
            assertThat(v.activeVoters()).isEqualTo(1);
            assertThat(v.neededVoters()).isEqualTo(2);
        }

        @Test
        void fiveVotersWithTwoDownReplaceOneOfThem() {
            CoreStatus s = Statuses.leader(1).voters(1, 2, 3, 4, 5).learners(6).inactive(4, 5).build();
            PromotionVerdict v = check.replace(s, 5, 6);
            assertThat(v.accepted()).isTrue();
            assertThat(v.activeVoters()).isEqualTo(4); // 1, 2, 3, 6 of {1, 2, 3, 4, 6}
            assertThat(v.neededVoters()).isEqualTo(3);
        }

        @Test
        void fiveVotersWithThreeDownMayNotReplace() {
            CoreStatus s = Statuses.leader(1).voters(1, 2, 3, 4, 5).learners(6).inactive(3, 4, 5).build();
            PromotionVerdict v = check.replace(s, 5, 6);
            assertThat(v.reason()).isEqualTo(NotReadyReason.QUORUM_AT_RISK);
            assertThat(v.activeVoters()).isEqualTo(2);
            assertThat(v.neededVoters()).isEqualTo(3);
        }
    }

    /** How the messages write ids: the options' format; the verdict's numbers and details never change. */
    @Nested
    class IdFormat {
        /** An id as raft-kv derives them: large, so decimal and hex spellings look nothing alike. */
        private static final long LEARNER = 5568999630577802292L;
        private static final String LEARNER_HEX = "4d490fa87edf1c34";

        private CoreStatus learnerLagging120() {
            return Statuses.leader(1).lastIndex(1_000).voters(1, 2, 255).learners(LEARNER).lag(LEARNER, 120).build();
        }

        private PromotionCheck checkWith(MembershipOptions.Builder options) {
            return new PromotionCheck(options.promoteMaxLag(100).build(), ELECTION_TIMEOUT);
        }

        @Test
        void theDefaultIsUnsignedDecimal() {
            assertThat(MembershipOptions.defaults().idFormat()).isEqualTo(NodeIdFormat.DECIMAL);
            assertThat(check.idFormat()).isEqualTo(NodeIdFormat.DECIMAL);
            PromotionVerdict v = checkWith(MembershipOptions.builder()).promote(learnerLagging120(), LEARNER);
            assertThat(v.message()).startsWith("learner 5568999630577802292 lags 120 entries behind the leader");
        }

        @Test
        void aRefusalNamesTheLearnerInTheConfiguredFormat() {
            PromotionCheck hex = checkWith(MembershipOptions.builder().idFormat(NodeIdFormat.HEX));
            RaftException e = hex.promote(learnerLagging120(), LEARNER).toException();
            assertThat(e.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
            assertThat(e.getMessage()).isEqualTo("learner " + LEARNER_HEX + " lags 120 entries behind the leader"
                    + " (threshold 100, 88% caught up); wait for it to catch up, or raise promoteMaxLag");
            // Clients parse the details: they keep their decimal numbers whatever the format.
            assertThat(e.details()).containsEntry("memberId", "5568999630577802292").containsEntry("lag", "120");
        }

        @Test
        void everyKindOfRefusalUsesIt() {
            PromotionCheck hex = checkWith(MembershipOptions.builder().idFormat(NodeIdFormat.HEX));
            CoreStatus s = learnerLagging120();
            assertThat(hex.promote(s, 255).message())
                    .isEqualTo("member ff is already a voter; only a learner can be promoted");
            assertThat(hex.promote(s, 0xabc).message()).isEqualTo("member abc is not in the cluster configuration");
            assertThat(hex.replace(s, 255, LEARNER).message()).startsWith("cannot replace voter ff by learner "
                    + LEARNER_HEX + ": learner " + LEARNER_HEX + " lags 120 entries");
            assertThat(hex.promote(Statuses.leader(1).voters(1, 2, 255).learners(LEARNER).inactive(LEARNER).build(),
                    LEARNER).message()).startsWith("learner " + LEARNER_HEX + " has not been heard from");
        }

        @Test
        void anApplicationMayBringItsOwnFormat() {
            PromotionCheck named = new PromotionCheck(100, ELECTION_TIMEOUT, id -> id == LEARNER ? "n4" : "#" + id);
            assertThat(named.promote(learnerLagging120(), LEARNER).message()).startsWith("learner n4 lags 120");
        }
    }
}
