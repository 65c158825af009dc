package org.understudy.client.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.Member;
import org.understudy.client.balancer.MemberList;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.health.Backoff;
import org.understudy.client.balancer.health.CircuitBreaker;
import org.understudy.client.balancer.health.EndpointHealth;
import org.understudy.client.balancer.health.HealthSignal;
import org.understudy.client.balancer.health.HealthTable;

class RouterTest {

    private static final Endpoint E1 = Endpoint.of("h1", 1);
    private static final Endpoint E2 = Endpoint.of("h2", 1);
    private static final Endpoint E3 = Endpoint.of("h3", 1);
    private static final Endpoint L = Endpoint.of("learner", 1);

    private final HealthTable health = new HealthTable(
            e -> new CircuitBreaker(1, new Backoff(100, 100, 0, new Random(1))), h -> { });

    private static MemberView view(String leader) {
        MemberTable t = new MemberTable();
        t.apply(MemberList.of(1, leader, Member.voter("1", E1), Member.voter("2", E2), Member.voter("3", E3),
                Member.learner("4", L)), t.nextStamp());
        return t.view();
    }

    private Map<Endpoint, Integer> spread(Router r, MemberView v, RequestKind kind, boolean allowLearner, int n) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Route route = r.pick(v, kind, allowLearner, true, Set.of(), 0).orElseThrow();
            counts.merge(route.endpoint(), 1, Integer::sum);
            health.get(route.endpoint()).release(HealthSignal.SUCCESS, route.probe(), 0);
        }
        return counts;
    }

    @Test
    void roundRobinSpreadsReadsEvenlyOverVotersOnly() {
        Router r = new Router(ReadStrategy.ROUND_ROBIN, health);
        assertThat(spread(r, view("1"), RequestKind.LINEARIZABLE_READ, false, 30)).containsOnlyKeys(E1, E2, E3)
                .containsValues(10, 10, 10);
        assertThat(spread(r, view("1"), RequestKind.SERIALIZABLE_READ, false, 30)).doesNotContainKey(L);
        assertThat(spread(r, view("1"), RequestKind.SERIALIZABLE_READ, true, 40)).containsOnlyKeys(E1, E2, E3, L);
    }

    @Test
    void leastOutstandingAvoidsABusyEndpoint() {
        Router r = new Router(ReadStrategy.LEAST_OUTSTANDING, health);
        MemberView v = view("1");
        health.get(E2).admit(0, false);
        health.get(E2).admit(0, false);
        for (int i = 0; i < 4; i++) {
            Route route = r.pick(v, RequestKind.LINEARIZABLE_READ, false, true, Set.of(), 0).orElseThrow();
            assertThat(route.endpoint()).isNotEqualTo(E2);
        }
        assertThat(health.get(E1).outstanding() + health.get(E3).outstanding()).isEqualTo(4);
    }

    @Test
    void writesGoToTheLeaderAndWithoutOneToAnyVoter() {
        Router r = new Router(ReadStrategy.ROUND_ROBIN, health);
        assertThat(spread(r, view("2"), RequestKind.WRITE, false, 10)).containsOnlyKeys(E2);
        assertThat(spread(r, view(null), RequestKind.WRITE, false, 9)).containsOnlyKeys(E1, E2, E3);
        assertThat(r.pick(view("2"), RequestKind.WRITE, false, false, Set.of(E2), 0).orElseThrow().endpoint())
                .as("the leader was tried").isNotEqualTo(E2);
    }

    @Test
    void anOpenCircuitIsSkippedThenProbedByARequestSafeToRepeatFirst() {
        Router r = new Router(ReadStrategy.ROUND_ROBIN, health);
        MemberView v = view("1");
        EndpointHealth h1 = health.get(E1);
        h1.admit(0, false);
        h1.release(HealthSignal.FAILURE, false, 0);
        for (int i = 0; i < 6; i++) {
            Route route = r.pick(v, RequestKind.LINEARIZABLE_READ, false, true, Set.of(), 50).orElseThrow();
            assertThat(route.endpoint()).isNotEqualTo(E1);
            health.get(route.endpoint()).release(HealthSignal.SUCCESS, false, 50);
        }
        Route write = r.pick(v, RequestKind.WRITE, false, false, Set.of(), 100).orElseThrow();
        assertThat(write.endpoint()).as("a write not safe to repeat is no probe while others are closed")
                .isNotEqualTo(E1);
        Route probe = r.pick(v, RequestKind.LINEARIZABLE_READ, false, true, Set.of(), 100).orElseThrow();
        assertThat(probe.endpoint()).isEqualTo(E1);
        assertThat(probe.probe()).isTrue();
        assertThat(r.pick(v, RequestKind.LINEARIZABLE_READ, false, true, Set.of(E2, E3), 100))
                .as("one probe at a time").isEmpty();
    }

    @Test
    void nothingToPickWhenEveryCandidateIsExcluded() {
        Router r = new Router(ReadStrategy.ROUND_ROBIN, health);
        assertThat(r.pick(view("1"), RequestKind.LINEARIZABLE_READ, false, true, Set.copyOf(List.of(E1, E2, E3)), 0))
                .isEmpty();
    }
}
