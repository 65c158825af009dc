package org.understudy.membership.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.policy.MemberStatusView;
import org.understudy.membership.policy.PromotionVerdict;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.registry.MemberRole;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.EntryId;
import org.understudy.raft.proto.MessageType;

/**
 * The operator API on the deterministic simulator: every node runs a {@link MembershipService},
 * requests to followers are forwarded to the leader, and time is the simulation's (100 ms a round,
 * election timeout 1 s). Member ids come from fixed seeds, so every run is the same.
 */
class MembershipServiceSimTest {

    private static final long SEED = 42;
    private static final String URL4 = "tcp://127.0.0.1:7004";

    private static MembershipOptions.Builder options() {
        return MembershipOptions.builder().snapshotCount(1_000).promoteMaxLag(50);
    }

    private static ServiceCluster cluster(MembershipOptions options, long... voters) {
        ServiceCluster c = ServiceCluster.of(SEED, options, voters);
        c.h.elect(voters[0]);
        return c;
    }

    private static RaftException failure(ServiceCluster c, CompletableFuture<?> f, int rounds) {
        try {
            c.await(f, rounds);
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(RaftException.class);
            return (RaftException) e.getCause();
        }
        return fail("expected a failure, got " + f.join());
    }

    private static void assertRoleEverywhere(ServiceCluster c, long id, MemberRole role) {
        for (var g : c.h.running()) {
            assertThat(g.registry().role(id)).as("role of %d on node %d", id, g.id()).isEqualTo(role);
        }
    }

    private static long addLearner(ServiceCluster c, String name, String url) {
        return c.await(c.leaderService().add(AddRequest.learner(name, List.of(url))), 20).id();
    }

    private static boolean committed(ServiceCluster c, EntryId id, int rounds) {
        for (int i = 0; i < rounds; i++) {
            if (c.h.cluster().isCommitted(id)) {
                return true;
            }
            c.round();
        }
        return c.h.cluster().isCommitted(id);
    }

    private static EntryId write(ServiceCluster c, long leader, String data) {
        EntryId id = c.h.cluster().core(leader).propose(com.google.protobuf.ByteString.copyFromUtf8(data));
        c.h.settle();
        return id;
    }

    // ------------------------------------------------------------------ add

    @Test
    void addMakesALearnerByDefault_theQuorumIsUnchanged_andTheResultSaysHowToStartIt() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        AddResult r = c.await(c.service(2).add(AddRequest.learner("n4", List.of(URL4))), 20); // forwarded

        assertThat(r.quorumGrows()).isFalse();
        assertThat(r.initialCluster()).contains("n4=" + URL4).contains("n1=");
        assertThat(r.note()).contains("quorum is unchanged");
        assertRoleEverywhere(c, r.id(), MemberRole.LEARNER);
        assertThat(c.h.group(3).registry().member(r.id()).orElseThrow().getPeerUrlsList()).containsExactly(URL4);
        assertThat(c.events).anyMatch(e -> e instanceof MembershipEvent.Added a && !a.voter());
    }

    @Test
    void addRefusesBadUrlsTakenNamesAndTheLearnerLimit() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        assertThat(failure(c, c.leaderService().add(AddRequest.learner("n4", List.of("tcp://127.0.0.1"))), 5).code())
                .isEqualTo(ErrorCode.INVALID_PEER_URL);
        assertThat(failure(c, c.leaderService().add(AddRequest.learner("n4", List.of("not a url"))), 5).code())
                .isEqualTo(ErrorCode.INVALID_PEER_URL);
        assertThat(failure(c, c.leaderService().add(AddRequest.learner("n1", List.of(URL4))), 5).code())
                .as("name taken").isEqualTo(ErrorCode.BAD_REQUEST);

        addLearner(c, "n4", URL4);
        RaftException over = failure(c, c.leaderService().add(AddRequest.learner("n5", List.of("tcp://127.0.0.1:7005"))), 5);
        assertThat(over.code()).isEqualTo(ErrorCode.TOO_MANY_LEARNERS);
        assertThat(over.details()).containsEntry("maxLearners", "1");
        assertThat(failure(c, c.leaderService().add(AddRequest.learner("n6", List.of(URL4))), 5).code())
                .as("URL already used").isIn(ErrorCode.INVALID_PEER_URL, ErrorCode.TOO_MANY_LEARNERS);
    }

    @Test
    void addingAVoterIsExplicit_andTheResultSaysTheQuorumGrew() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        AddResult r = c.await(c.leaderService().add(AddRequest.learner("n4", List.of(URL4)).asVoter()), 20);
        assertThat(r.quorumGrows()).isTrue();
        assertThat(r.note()).contains("2 of 3 to 3 of 4");
        assertRoleEverywhere(c, r.id(), MemberRole.VOTER);
    }

    @Test
    void oneChangeAtATime_andCompareAndSetOnTheConfigurationIndex() {
        ServiceCluster c = cluster(options().maxLearners(3).build(), 1, 2, 3);
        CompletableFuture<AddResult> first = c.leaderService().add(AddRequest.learner("n4", List.of(URL4)));
        RaftException second = failure(c, c.leaderService().add(AddRequest.learner("n5", List.of("tcp://127.0.0.1:7005"))), 1);
        assertThat(second.code()).isEqualTo(ErrorCode.CONF_CHANGE_IN_PROGRESS);
        c.await(first, 20);

        long at = c.leaderService().registry().confIndex();
        assertThat(at).isPositive();
        RaftException stale = failure(c, c.leaderService().add(
                AddRequest.learner("n5", List.of("tcp://127.0.0.1:7005")).expectingConfIndex(at - 1)), 5);
        assertThat(stale.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(stale.details()).containsEntry(MembershipService.DETAIL_REASON, MembershipService.CONF_INDEX_MISMATCH)
                .containsEntry("confIndex", Long.toString(at));

        AddResult ok = c.await(c.leaderService().add(
                AddRequest.learner("n5", List.of("tcp://127.0.0.1:7005")).expectingConfIndex(at)), 20);
        assertThat(ok.registry().confIndex()).isGreaterThan(at);
    }

    // ------------------------------------------------------------------ promote (seed figures 10-12)

    @Test
    void fig7_aLearnerThatWasNeverStartedIsNotPromotedEvenRightAfterItsAddWithASmallLag() {
        // A one-voter cluster with a short log: the new learner's lag is under the threshold, and
        // the core marks a new peer "recently active". Promoting it would make the quorum 2 of 2
        // with a member that is not running: the cluster would stop (seed figure 7).
        ServiceCluster c = new ServiceCluster(SEED, options().build(),
                b -> b.voters(1).founderRecords(org.understudy.membership.sim.SimRecords.founders(1)).snapshotEvery(0));
        c.h.elect(1);
        c.propose(3, "few");
        long id = addLearner(c, "n2", URL4);

        RaftException refused = failure(c, c.service(1).promote(id), 5);
        assertThat(refused.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
        assertThat(refused.details()).containsEntry(PromotionVerdict.REASON, "NOT_RECENTLY_ACTIVE");

        c.h.startJoiner(id);
        c.rounds(5);
        c.await(c.service(1).promote(id), 20);
        assertRoleEverywhere(c, id, MemberRole.VOTER);
    }

    @Test
    void fig10to12_promoteIsRefusedWithTheLagUntilTheLearnerCaughtUp_thenAcceptedFromAFollower() {
        ServiceCluster c = new ServiceCluster(SEED, options().build(),
                b -> b.voters(1, 2, 3).founderRecords(org.understudy.membership.sim.SimRecords.founders(1, 2, 3))
                        .snapshotEvery(0));
        c.h.elect(1);
        c.propose(100, "before");
        long id = addLearner(c, "n4", URL4);
        c.rounds(25); // a new progress starts "recently active"; two election timeouts of silence end that

        RaftException notStarted = failure(c, c.service(2).promote(id), 5);
        assertThat(notStarted.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
        assertThat(notStarted.details()).containsEntry(PromotionVerdict.REASON, "NOT_RECENTLY_ACTIVE");

        // Started, but appends to it are lost while the leader takes 200 more writes: reachable, lagging.
        c.h.startJoiner(id);
        c.rounds(3);
        c.h.cluster().drop(m -> m.getTo() == id && m.getType() == MessageType.MSG_APPEND);
        c.propose(200, "during");
        c.rounds(2);
        RaftException lagging = failure(c, c.service(3).promote(id), 5);
        assertThat(lagging.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
        assertThat(lagging.details()).containsEntry(PromotionVerdict.REASON, "LAGGING")
                .containsEntry(PromotionVerdict.THRESHOLD, "50");
        assertThat(Long.parseLong(lagging.details().get(PromotionVerdict.LAG))).isGreaterThanOrEqualTo(200);
        assertThat(lagging.getMessage()).contains("lags").contains("caught up");
        assertRoleEverywhere(c, id, MemberRole.LEARNER);
        assertThat(c.events).anyMatch(e -> e instanceof MembershipEvent.PromotionRefused);

        List<MemberStatusView> status = c.leaderService().status();
        MemberStatusView row = status.stream().filter(v -> v.id() == id).findFirst().orElseThrow();
        assertThat(row.learner()).isTrue();
        assertThat(row.lag()).isGreaterThanOrEqualTo(200);
        assertThat(row.promotable()).isFalse();

        c.h.cluster().heal();
        c.rounds(5);
        MemberRegistry after = c.await(c.service(3).promote(id), 20);
        assertThat(after.role(id)).isEqualTo(MemberRole.VOTER);
        c.rounds(2);
        assertRoleEverywhere(c, id, MemberRole.VOTER);
    }

    @Test
    void promoteIsRefusedWhileASnapshotIsInFlight() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        long id = addLearner(c, "n4", URL4);
        c.propose(100, "x");
        c.h.cluster().node(1).compactNow(); // the leader's log starts past index 1: the joiner needs a snapshot
        c.h.cluster().delaySnapshots(id); // a large snapshot: streaming takes a while
        c.h.startJoiner(id);
        c.rounds(3);
        assertThat(c.h.group(1).status().progress().get(id).pendingSnapshot()).as("snapshot in flight").isPositive();
        RaftException refused = failure(c, c.leaderService().promote(id), 5);
        assertThat(refused.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
        assertThat(refused.details()).containsEntry(PromotionVerdict.REASON, "SNAPSHOT_IN_FLIGHT")
                .containsEntry(PromotionVerdict.SNAPSHOT_IN_FLIGHT, "true");

        c.h.cluster().releaseSnapshots(id);
        c.rounds(5);
        assertThat(c.await(c.leaderService().promote(id), 20).role(id)).isEqualTo(MemberRole.VOTER);
    }

    @Test
    void promoteRefusesUnknownMembersAndVoters() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        assertThat(failure(c, c.leaderService().promote(99), 5).code()).isEqualTo(ErrorCode.MEMBER_NOT_FOUND);
        assertThat(failure(c, c.leaderService().promote(2), 5).code()).isEqualTo(ErrorCode.NOT_A_LEARNER);
    }

    @Test
    void aForwardedRequestTravelsOneHop_aNonLeaderAnswersWithItsHintInsteadOfForwardingAgain() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        RaftException refused = failure(c, c.service(2).handle(AddRequest.learner("n4", List.of(URL4))), 1);
        assertThat(refused.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(refused.leaderHint()).isEqualTo(1);
        assertThat(c.h.group(1).registry().byName("n4")).isEmpty();
    }

    // ------------------------------------------------------------------ remove

    @Test
    void removingTheLeaderHandsLeadershipOverFirst() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        MemberRegistry after = c.await(c.service(1).remove(1), 40);
        assertThat(after.contains(1)).isFalse();
        assertThat(c.leader()).isIn(2L, 3L);
        c.rounds(3);
        for (long id : new long[] {2, 3}) {
            assertThat(c.h.group(id).registry().contains(1)).isFalse();
        }
        assertThat(committed(c, write(c, c.leader(), "after"), 10)).isTrue();
    }

    // ------------------------------------------------------------------ seed figures 6-9

    @Test
    void fig6_oneFollowerCutOff_addingAVoterStopsWrites_addingALearnerDoesNot() {
        ServiceCluster withLearner = cluster(options().build(), 1, 2, 3);
        withLearner.h.cluster().isolate(3);
        addLearner(withLearner, "n4", URL4); // never started
        assertThat(committed(withLearner, write(withLearner, 1, "w"), 10)).as("learner: writes go on").isTrue();

        ServiceCluster withVoter = cluster(options().build(), 1, 2, 3);
        withVoter.h.cluster().isolate(3);
        AddResult r = withVoter.await(withVoter.leaderService().add(AddRequest.learner("n4", List.of(URL4)).asVoter()), 20);
        assertThat(r.quorumGrows()).isTrue();
        assertThat(committed(withVoter, write(withVoter, 1, "w"), 10)).as("voter: 2 of 4 reachable, no quorum").isFalse();
    }

    @Test
    void fig7_oneNodeCluster_aNewVoterStopsWrites_aNewLearnerCostsNothing() {
        ServiceCluster withLearner = cluster(options().build(), 1);
        addLearner(withLearner, "n4", URL4);
        assertThat(committed(withLearner, write(withLearner, 1, "w"), 10)).isTrue();

        ServiceCluster withVoter = cluster(options().build(), 1);
        withVoter.await(withVoter.leaderService().add(AddRequest.learner("n4", List.of(URL4)).asVoter()), 20);
        assertThat(committed(withVoter, write(withVoter, 1, "w"), 10)).isFalse();
    }

    @Test
    void fig8_aLearnerWithAWrongUrlIsRemovedAgainWithoutHarm_aVoterWithOneIsStuck() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3);
        long id = addLearner(c, "n4", "tcp://127.0.0.1:9"); // nothing answers there
        c.rounds(20);
        assertThat(committed(c, write(c, 1, "w"), 10)).isTrue();
        MemberRegistry after = c.await(c.leaderService().remove(id), 20);
        assertThat(after.contains(id)).isFalse();
        assertThat(committed(c, write(c, 1, "w2"), 10)).isTrue();

        ServiceCluster two = cluster(options().build(), 1);
        long voter = two.await(two.leaderService().add(AddRequest.learner("n4", List.of("tcp://127.0.0.1:9")).asVoter()), 20).id();
        two.rounds(20);
        RaftException stuck = failure(two, two.leaderService().remove(voter), 5);
        assertThat(stuck.code()).as("the dead voter cannot be removed: the change needs it")
                .isIn(ErrorCode.UNAVAILABLE, ErrorCode.NOT_LEADER);
    }

    @Test
    void fig9_twoOfFourVotersDown_noLeader_membershipIsStuck() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3, 4);
        c.h.cluster().isolate(3, 4);
        c.rounds(30); // CheckQuorum: the leader hears from 2 of 4 and steps down
        assertThat(c.leader()).isZero();
        RaftException stuck = failure(c, c.service(1).remove(4), 5);
        assertThat(stuck.code()).isEqualTo(ErrorCode.NOT_LEADER);
    }

    @Test
    void removingAVoterIsRefusedWhenTheVotersLeftCouldNotCommit() {
        ServiceCluster c = cluster(options().build(), 1, 2, 3, 4, 5);
        c.h.cluster().isolate(4, 5);
        c.rounds(30); // the leader keeps 3 of 5 and learns that 4 and 5 are silent
        assertThat(c.isLeader(1)).isTrue();
        RaftException refused = failure(c, c.leaderService().remove(2), 5);
        assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(refused.details()).containsEntry("activeVoters", "2").containsEntry("neededVoters", "3");
        assertThat(refused.getMessage()).contains("would leave 4 voter(s)");
        // Removing a silent one is fine: 3 of the 4 left are reachable.
        MemberRegistry after = c.await(c.leaderService().remove(5), 20);
        assertThat(after.contains(5)).isFalse();
    }

    // ------------------------------------------------------------------ how the sentences write ids

    /** A one-voter cluster with a learner added and never started, so a promotion is refused. */
    private static ServiceCluster oneVoterAndANewLearner(MembershipOptions options) {
        ServiceCluster c = new ServiceCluster(SEED, options,
                b -> b.voters(1).founderRecords(org.understudy.membership.sim.SimRecords.founders(1)).snapshotEvery(0));
        c.h.elect(1);
        return c;
    }

    @Test
    void theSentencesNameMembersInTheConfiguredIdFormat_theDetailsStayDecimal() {
        ServiceCluster c = oneVoterAndANewLearner(options().idFormat(NodeIdFormat.HEX).build());
        AddResult added = c.await(c.leaderService().add(AddRequest.learner("n2", List.of(URL4))), 20);
        long id = added.id();
        String hex = Long.toHexString(id);
        assertThat(added.note()).startsWith("learner n2 (" + hex + ") added");

        RaftException refused = failure(c, c.service(1).promote(id), 5);
        assertThat(refused.code()).isEqualTo(ErrorCode.LEARNER_NOT_READY);
        assertThat(refused.getMessage()).startsWith("learner " + hex + " ").doesNotContain(Long.toUnsignedString(id));
        assertThat(refused.details()).containsEntry(PromotionVerdict.MEMBER_ID, Long.toString(id));
        assertThat(c.events(MembershipEvent.PromotionRefused.class))
                .allMatch(e -> e.verdict().message().equals(refused.getMessage()));

        RaftException missing = failure(c, c.leaderService().remove(0xabcL), 5);
        assertThat(missing.code()).isEqualTo(ErrorCode.MEMBER_NOT_FOUND);
        assertThat(missing.getMessage()).startsWith("no member abc ");
    }

    @Test
    void theDefaultIdFormatIsDecimal() {
        ServiceCluster c = oneVoterAndANewLearner(options().build());
        long id = addLearner(c, "n2", URL4);
        RaftException refused = failure(c, c.service(1).promote(id), 5);
        assertThat(refused.getMessage()).startsWith("learner " + Long.toUnsignedString(id) + " ");
    }
}
