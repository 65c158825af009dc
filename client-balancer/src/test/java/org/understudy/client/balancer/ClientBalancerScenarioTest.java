package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.client.balancer.Harness.bytes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.FakeCluster.Death;
import org.understudy.client.balancer.FakeCluster.Received;
import org.understudy.client.balancer.health.CircuitState;
import org.understudy.client.balancer.routing.MemberView;

/** The scenarios against a scripted cluster: membership changes, leader moves, failures. */
class ClientBalancerScenarioTest {

    private static void readsWritesAndStaleReads(Harness h, int each) {
        for (int i = 0; i < each; i++) {
            h.ok(Request.write(bytes(h.tag("w"))));
            h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            h.ok(Request.serializableRead(bytes(h.tag("s"))));
        }
    }

    @Test
    void aLearnerAddedToTheClusterNeverReceivesARequestUnlessASerializableReadAllowsIt() {
        try (Harness h = new Harness(1, 3).start()) {
            h.cluster.addLearner("n4");
            MemberView v = h.sync();
            assertThat(v.learners()).extracting(Member::id).containsExactly("n4");
            assertThat(v.voterEndpoints()).doesNotContain(h.cluster.endpoint("n4"));

            readsWritesAndStaleReads(h, 30);
            assertThat(h.cluster.receivedBy("n4")).as("nothing reaches the learner").isEmpty();

            for (int i = 0; i < 40; i++) {
                h.ok(Request.serializableRead(bytes(h.tag("s"))).allowLearner());
            }
            assertThat(h.cluster.receivedBy("n4")).as("serializable reads that allow a learner are spread to it")
                    .isNotEmpty().allMatch(r -> r.kind() == RequestKind.SERIALIZABLE_READ);
        }
    }

    @Test
    void aPromotedLearnerGetsTrafficOnceASyncSaysItVotes() {
        try (Harness h = new Harness(2, 3)) {
            h.cluster.addLearner("n4");
            h.start();
            readsWritesAndStaleReads(h, 10);
            assertThat(h.cluster.receivedBy("n4")).isEmpty();

            h.cluster.promote("n4");
            assertThat(h.sync().voterEndpoints()).contains(h.cluster.endpoint("n4"));
            for (int i = 0; i < 40; i++) {
                h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            }
            assertThat(h.cluster.receivedBy("n4")).hasSizeGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void aDemotedVoterIsHitAtMostOnceBeforeTheBalancerStopsUsingIt() {
        try (Harness h = new Harness(3, 4).start()) {
            h.cluster.demote("n4");
            List<Response> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                answers.add(h.ok(Request.linearizableRead(bytes(h.tag("r")))));
            }
            List<Received> atN4 = h.cluster.receivedBy("n4");
            assertThat(atN4).as("one refusal marks it; a sync confirms it").hasSize(1);
            assertThat(answers).allMatch(r -> !r.endpoint().equals(h.cluster.endpoint("n4")));
            assertThat(answers.stream().filter(r -> r.attempts() == 2)).as("the refused read was retried").hasSize(1);
            h.scheduler.advance(2_000);
            assertThat(h.balancer.members().learners()).extracting(Member::id).containsExactly("n4");
            assertThat(h.balancer.members().suspectedLearners()).as("the sync replaced the suspicion").isEmpty();
        }
    }

    @Test
    void aRemovedVoterIsDroppedWithItsHealthAndMeters() {
        try (Harness h = new Harness(4, 4).start()) {
            h.cluster.remove("n4").kill("n4", Death.REFUSE);
            for (int i = 0; i < 20; i++) {
                h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            }
            h.sync();
            Endpoint gone = h.cluster.endpoint("n4");
            assertThat(h.balancer.members().allEndpoints()).doesNotContain(gone);
            assertThat(h.registry.find(BalancerMetrics.REQUESTS).tag("endpoint", gone.toString()).counters()).isEmpty();
            assertThat(h.registry.find(BalancerMetrics.CIRCUIT_STATE).tag("endpoint", gone.toString()).gauges()).isEmpty();
            int before = h.cluster.connectsTo("n4");
            readsWritesAndStaleReads(h, 10);
            assertThat(h.cluster.connectsTo("n4")).isEqualTo(before);
        }
    }

    @Test
    void writesFollowTheLeaderAsItMoves() {
        try (Harness h = new Harness(5, 3).start()) {
            Response first = h.ok(Request.write(bytes(h.tag("w"))));
            assertThat(first.memberId()).contains("n1");
            assertThat(first.attempts()).isEqualTo(1);

            h.cluster.leader("n2");
            Response moved = h.ok(Request.write(bytes(h.tag("w"))));
            assertThat(moved.memberId()).contains("n2");
            assertThat(moved.attempts()).as("one NOT_LEADER hop, at once").isEqualTo(2);
            assertThat(h.balancer.members().leaderId()).contains("n2");

            Response next = h.ok(Request.write(bytes(h.tag("w"))));
            assertThat(next.memberId()).contains("n2");
            assertThat(next.attempts()).isEqualTo(1);
        }
    }

    @Test
    void aReadToldNotLeaderGoesToTheLeaderNext() {
        try (Harness h = new Harness(24, 3).start()) {
            h.cluster.followerReads = false;
            for (int i = 0; i < 12; i++) {
                Response r = h.ok(Request.linearizableRead(bytes(h.tag("r"))));
                assertThat(r.memberId()).contains("n1");
                assertThat(r.attempts()).isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aHintNamingAMemberNotInTheListTriggersASyncAndTheWriteLandsThere() {
        try (Harness h = new Harness(6, 3).start()) {
            h.cluster.addVoter("n4").leader("n4");
            String tag = h.tag("w");
            Response r = h.ok(Request.write(bytes(tag)));
            assertThat(r.memberId()).contains("n4");
            assertThat(h.cluster.appliedCount(tag)).isEqualTo(1);
            assertThat(h.balancer.members().voters()).extracting(Member::id).contains("n4");
        }
    }

    @Test
    void aDeadEndpointOpensItsCircuitAndAProbeClosesItWhenItIsBack() {
        try (Harness h = new Harness(7, 3).start()) {
            h.cluster.kill("n2", Death.REFUSE);
            for (int i = 0; i < 12; i++) {
                h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            }
            Endpoint n2 = h.cluster.endpoint("n2");
            assertThat(h.balancer.circuitState(n2)).isEqualTo(CircuitState.OPEN);
            assertThat(h.cluster.connectsTo("n2")).as("the threshold, then nothing").isEqualTo(3);
            assertThat(h.registry.get(BalancerMetrics.CIRCUIT_STATE).tag("endpoint", n2.toString()).gauge().value())
                    .isEqualTo(2.0);
            assertThat(h.registry.get(BalancerMetrics.REQUESTS).tag("endpoint", n2.toString())
                    .tag("outcome", "NOT_SENT").counter().count()).isEqualTo(3.0);

            h.scheduler.advance(700);
            assertThat(h.cluster.probes).as("the probe after the first backoff failed").isEqualTo(1);
            assertThat(h.balancer.circuitState(n2)).isEqualTo(CircuitState.OPEN);

            h.cluster.revive("n2");
            h.scheduler.advance(1_500);
            assertThat(h.balancer.circuitState(n2)).isEqualTo(CircuitState.CLOSED);
            for (int i = 0; i < 9; i++) {
                h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            }
            assertThat(h.cluster.receivedBy("n2")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(h.registry.get(BalancerMetrics.CIRCUIT_OPENED).tag("endpoint", n2.toString()).counter().count())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void withoutATransportProbeAReadIsTheProbe() {
        try (Harness h = new Harness(8, 3)) {
            h.cluster.probesEnabled = false;
            h.start();
            h.cluster.kill("n3", Death.REFUSE);
            for (int i = 0; i < 9; i++) {
                h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            }
            Endpoint n3 = h.cluster.endpoint("n3");
            assertThat(h.balancer.circuitState(n3)).isEqualTo(CircuitState.OPEN);
            h.cluster.revive("n3");
            h.scheduler.advance(1_000);
            assertThat(h.balancer.circuitState(n3)).as("no traffic, no probe").isEqualTo(CircuitState.OPEN);
            h.ok(Request.linearizableRead(bytes(h.tag("r"))));
            assertThat(h.cluster.receivedBy("n3")).hasSize(1);
            assertThat(h.balancer.circuitState(n3)).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void aListFromALaggingNodeNeverReplacesANewerOne() {
        try (Harness h = new Harness(9, 3).start()) {
            long before = h.cluster.revision();
            h.cluster.demote("n3");
            assertThat(h.sync().revision()).isEqualTo(h.cluster.revision());
            h.cluster.lagging("n1", before);
            MemberView after = h.sync();
            assertThat(after.revision()).isEqualTo(h.cluster.revision());
            assertThat(after.learners()).extracting(Member::id).containsExactly("n3");
            assertThat(h.registry.get(BalancerMetrics.SYNCS).tag("result", "stale").counter().count()).isEqualTo(1.0);
            readsWritesAndStaleReads(h, 10);
            assertThat(h.cluster.receivedBy("n3")).isEmpty();
        }
    }

    @Test
    void withoutRevisionsAFetchThatStartedEarlierCannotRollTheListBack() {
        try (Harness h = new Harness(10, 3)) {
            h.cluster.reportRevision = false;
            h.start();
            h.cluster.nextFetchDelayMillis = 6_000;
            CompletableFuture<MemberView> slow = h.balancer.syncNow();
            h.scheduler.runDue();
            h.cluster.demote("n3");
            h.scheduler.advance(5_001);
            assertThat(slow).as("timed out").isCompletedExceptionally();
            assertThat(h.sync().learners()).extracting(Member::id).containsExactly("n3");
            h.scheduler.advance(2_000);
            assertThat(h.balancer.members().learners()).as("the slow, older answer was ignored")
                    .extracting(Member::id).containsExactly("n3");
            readsWritesAndStaleReads(h, 10);
            assertThat(h.cluster.receivedBy("n3")).isEmpty();
        }
    }

    @Test
    void aWriteWaitingToRetryGoesToTheNewLeaderWhenItsEndpointLeavesTheList() {
        try (Harness h = new Harness(11, 3).start()) {
            h.cluster.kill("n1", Death.REFUSE).remove("n1").addVoter("n4").leader("n4");
            String tag = h.tag("w");
            Response r = h.ok(Request.write(bytes(tag)));
            assertThat(r.memberId()).contains("n4");
            assertThat(h.cluster.appliedCount(tag)).isEqualTo(1);
            assertThat(h.balancer.members().allEndpoints()).doesNotContain(h.cluster.endpoint("n1"));
            for (int i = 0; i < 5; i++) {
                assertThat(h.ok(Request.write(bytes(h.tag("w")))).attempts()).isEqualTo(1);
            }
        }
    }

    @Test
    void aNonIdempotentWriteIsNotRepeatedAfterAnAmbiguousFailure() {
        try (Harness h = new Harness(12, 3).start()) {
            h.cluster.node("n1").resetAfterApply = 1;
            String tag = h.tag("w");
            BalancerException e = h.failure(h.submit(Request.write(bytes(tag))));
            assertThat(e.reason()).isEqualTo(FailureReason.AMBIGUOUS_NOT_RETRIED);
            assertThat(e.code()).isEqualTo(ErrorCodes.UNAVAILABLE);
            assertThat(e.mayHaveBeenApplied()).isTrue();
            assertThat(e.attempts()).hasSize(1);
            assertThat(e.attempts().get(0).outcome()).isEqualTo("AMBIGUOUS");
            assertThat(e.getStackTrace()).isEmpty();
            assertThat(e.getMessage()).contains("may have been applied").contains(h.cluster.endpoint("n1").toString());
            assertThat(h.cluster.received.stream().filter(r -> r.tag().equals(tag))).hasSize(1);
            assertThat(h.cluster.appliedCount(tag)).isEqualTo(1);
        }
    }

    @Test
    void aWriteWithARequestIdAndOptInIsRepeatedAndTheServerAppliesItOnce() {
        try (Harness h = new Harness(13, 3).start()) {
            h.cluster.node("n1").resetAfterApply = 1;
            String tag = h.tag("w");
            Response r = h.ok(Request.write(bytes(tag)).requestId("req-1").retryAfterAmbiguousFailure());
            // The retry goes to another voter first, which points back to the leader.
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(h.cluster.received.stream().filter(x -> x.tag().equals(tag)).map(Received::nodeId))
                    .containsExactly("n1", "n2", "n1");
            assertThat(h.cluster.appliedCount(tag)).isEqualTo(1);
        }
    }

    @Test
    void anIdempotentWriteIsRepeatedAfterAnAmbiguousFailure() {
        try (Harness h = new Harness(14, 3).start()) {
            h.cluster.node("n1").resetAfterApply = 1;
            String tag = h.tag("w");
            Response r = h.ok(Request.write(bytes(tag)).idempotent());
            assertThat(r.attempts()).isGreaterThan(1);
            assertThat(h.cluster.appliedCount(tag)).as("applied twice, which the caller said is harmless").isEqualTo(2);
        }
    }

    @Test
    void aWriteThatWasNeverSentIsRepeatedEvenWithoutOptIn() {
        try (Harness h = new Harness(15, 3).start()) {
            h.cluster.kill("n1", Death.REFUSE);
            h.scheduler.schedule(50, () -> h.cluster.revive("n1"));
            String tag = h.tag("w");
            Response r = h.ok(Request.write(bytes(tag)));
            assertThat(r.attempts()).isGreaterThan(1);
            assertThat(r.memberId()).contains("n1");
            assertThat(h.cluster.appliedCount(tag)).isEqualTo(1);
        }
    }

    @Test
    void theDeadlineIsRespectedAndAWriteInFlightAtTheDeadlineMayHaveBeenApplied() {
        try (Harness h = new Harness(16, 3).start()) {
            h.cluster.nodes().keySet().forEach(id -> h.cluster.kill(id, Death.HANG));
            long start = h.scheduler.nowMillis();
            long[] doneAt = new long[2];
            CompletableFuture<Response> w = h.submit(Request.write(bytes(h.tag("w"))).deadline(Duration.ofMillis(500)));
            CompletableFuture<Response> r = h.submit(Request.linearizableRead(bytes(h.tag("r")))
                    .deadline(Duration.ofMillis(800)));
            w.whenComplete((x, t) -> doneAt[0] = h.scheduler.nowMillis());
            r.whenComplete((x, t) -> doneAt[1] = h.scheduler.nowMillis());
            BalancerException we = h.failure(w);
            BalancerException re = h.failure(r);
            assertThat(doneAt[0] - start).isEqualTo(500);
            assertThat(doneAt[1] - start).isEqualTo(800);
            assertThat(we.reason()).isEqualTo(FailureReason.DEADLINE_EXCEEDED);
            assertThat(we.mayHaveBeenApplied()).isTrue();
            assertThat(re.reason()).isEqualTo(FailureReason.DEADLINE_EXCEEDED);
            assertThat(re.mayHaveBeenApplied()).isFalse();
            assertThat(re.getMessage()).contains("deadline of 800 ms exceeded");
        }
    }

    @Test
    void readsTimingOutAreRetriedElsewhereUntilTheDeadline() {
        try (Harness h = new Harness(17, 3).start(b -> b.attemptTimeout(Duration.ofMillis(100)))) {
            h.cluster.nodes().keySet().forEach(id -> h.cluster.kill(id, Death.HANG));
            long start = h.scheduler.nowMillis();
            CompletableFuture<Response> r = h.submit(Request.serializableRead(bytes(h.tag("r")))
                    .deadline(Duration.ofMillis(1_000)));
            long[] doneAt = new long[1];
            r.whenComplete((x, t) -> doneAt[0] = h.scheduler.nowMillis());
            BalancerException e = h.failure(r);
            assertThat(doneAt[0] - start).isLessThanOrEqualTo(1_000);
            assertThat(e.attempts()).hasSizeGreaterThanOrEqualTo(3)
                    .allMatch(a -> a.outcome().equals("TIMEOUT"));
            assertThat(e.attempts().stream().map(Attempt::endpoint).distinct()).hasSize(3);

            CompletableFuture<Response> w = h.submit(Request.write(bytes(h.tag("w"))));
            BalancerException we = h.failure(w);
            assertThat(we.reason()).as("a timed-out write is ambiguous").isEqualTo(FailureReason.AMBIGUOUS_NOT_RETRIED);
        }
    }

    @Test
    void withNoVoterKnownARequestWaitsForAListUntilItsDeadline() {
        try (Harness h = new Harness(18, 3)) {
            h.cluster.fetchFails = true;
            h.start();
            CompletableFuture<Response> r = h.submit(Request.linearizableRead(bytes(h.tag("r")))
                    .deadline(Duration.ofMillis(3_000)));
            h.scheduler.advance(1_500);
            assertThat(r).isNotDone();
            h.cluster.fetchFails = false;
            assertThat(h.await(r).attempts()).as("woken by the list, sent once").isEqualTo(1);

            h.cluster.fetchFails = true;
            h.balancer.updateEndpoints(List.of());
            BalancerException e = h.failure(h.submit(Request.linearizableRead(bytes(h.tag("r")))
                    .deadline(Duration.ofMillis(300))));
            assertThat(e.reason()).isEqualTo(FailureReason.DEADLINE_EXCEEDED);
            assertThat(e.attempts()).isEmpty();
            assertThat(e.getMessage()).contains("no voter endpoint is known");
        }
    }

    @Test
    void aFinalServerErrorIsNotRetried() {
        try (Harness h = new Harness(19, 3).start()) {
            BalancerException e = h.failure(h.submit(Request.linearizableRead(bytes("bad-request"))));
            assertThat(e.reason()).isEqualTo(FailureReason.SERVER_ERROR);
            assertThat(e.code()).isEqualTo(ErrorCodes.BAD_REQUEST);
            assertThat(e.attempts()).hasSize(1);
        }
    }

    @Test
    void theAttemptBudgetBoundsARequest() {
        try (Harness h = new Harness(20, 3).start(b -> b.maxAttempts(4))) {
            h.cluster.nodes().keySet().forEach(id -> h.cluster.kill(id, Death.REFUSE));
            BalancerException e = h.failure(h.submit(Request.linearizableRead(bytes(h.tag("r")))));
            assertThat(e.reason()).isEqualTo(FailureReason.ATTEMPTS_EXHAUSTED);
            assertThat(e.attempts()).hasSize(4).allMatch(a -> a.outcome().equals("NOT_SENT"));
            assertThat(e.mayHaveBeenApplied()).isFalse();
        }
    }

    @Test
    void closeFailsWhatIsPendingAndLaterSubmits() {
        try (Harness h = new Harness(21, 3).start()) {
            h.cluster.nodes().keySet().forEach(id -> h.cluster.kill(id, Death.HANG));
            CompletableFuture<Response> w = h.submit(Request.write(bytes(h.tag("w"))));
            h.scheduler.advance(10);
            h.balancer.close();
            BalancerException e = h.failure(w);
            assertThat(e.reason()).isEqualTo(FailureReason.CLOSED);
            assertThat(e.mayHaveBeenApplied()).as("it was in flight").isTrue();
            assertThat(h.failure(h.submit(Request.linearizableRead(bytes("x")))).reason()).isEqualTo(FailureReason.CLOSED);
            assertThat(h.registry.getMeters()).as("meters removed").isEmpty();
        }
    }

    @Test
    void theInFlightLimitRefusesAtOnceAndCancellingStopsARequest() {
        try (Harness h = new Harness(22, 3).start(b -> b.maxInFlight(2))) {
            h.cluster.nodes().keySet().forEach(id -> h.cluster.kill(id, Death.HANG));
            CompletableFuture<Response> a = h.submit(Request.linearizableRead(bytes("a")));
            CompletableFuture<Response> b = h.submit(Request.linearizableRead(bytes("b")));
            CompletableFuture<Response> c = h.submit(Request.linearizableRead(bytes("c")));
            assertThat(h.failure(c).reason()).isEqualTo(FailureReason.IN_FLIGHT_LIMIT);
            assertThat(h.balancer.inFlight()).isEqualTo(2);
            a.cancel(false);
            assertThat(h.balancer.inFlight()).isEqualTo(1);
            int sent = h.cluster.connectionAttempts;
            b.cancel(false);
            h.scheduler.advance(20_000);
            assertThat(h.cluster.connectionAttempts).as("no attempt after cancelling").isEqualTo(sent);
            assertThat(h.balancer.inFlight()).isZero();
        }
    }

    @Test
    void explicitEndpointUpdatesDropLearners() {
        ManualScheduler scheduler = new ManualScheduler();
        FakeCluster cluster = FakeCluster.ofVoters(scheduler, new java.util.Random(23), 3).addLearner("n4");
        List<Member> listed = cluster.listAt(cluster.revision()).members();
        try (ClientBalancer b = ClientBalancer.builder().transport(cluster).members(listed).scheduler(scheduler)
                .random(new java.util.Random(23)).build()) {
            cluster.balancerView = b::members;
            assertThat(b.members().voters()).extracting(Member::id).containsExactly("n1", "n2", "n3");
            assertThat(b.members().learners()).extracting(Member::id).containsExactly("n4");
            List<Member> update = new ArrayList<>();
            for (Member m : listed) {
                update.add(m.id().equals("n2") ? m.withLearner(true) : m);
            }
            b.updateEndpoints(update);
            assertThat(b.members().voterEndpoints()).containsExactly(cluster.endpoint("n1"), cluster.endpoint("n3"));
            for (int i = 0; i < 20; i++) {
                b.submit(Request.linearizableRead(bytes("r" + i)).build());
                scheduler.advance(10);
            }
            assertThat(cluster.receivedBy("n2")).isEmpty();
            assertThat(cluster.receivedBy("n4")).isEmpty();
            assertThat(cluster.receivedBy("n1")).isNotEmpty();
            assertThat(cluster.receivedBy("n3")).isNotEmpty();
        }
    }
}
