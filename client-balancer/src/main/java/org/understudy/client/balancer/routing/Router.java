package org.understudy.client.balancer.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.RequestKind;
import org.understudy.client.balancer.health.EndpointHealth;
import org.understudy.client.balancer.health.HealthTable;

/**
 * Picks the endpoint of one attempt and admits it through that endpoint's circuit.
 *
 * <ul>
 *   <li>Only {@link MemberView#voterEndpoints()} are candidates; learners' endpoints are added
 *       only for a serializable read that allows a learner.</li>
 *   <li>A write goes to the leader when one is known and its circuit admits it; otherwise to
 *       any voter, which forwards it or answers NOT_LEADER with a hint. So does a read that
 *       was answered NOT_LEADER (a server that serves it on the leader only).</li>
 *   <li>Reads (and writes without a usable leader) go to a closed circuit chosen by the
 *       {@link ReadStrategy}. An open circuit whose backoff has passed is probed first by
 *       requests that are safe to repeat ({@code mayProbe}), so a recovered endpoint gets
 *       traffic back; a request that is not safe to repeat uses a probe slot only when no
 *       closed circuit is left.</li>
 *   <li>Endpoints in {@code exclude} (already tried by this request) are skipped.</li>
 * </ul>
 */
public final class Router {

    private final ReadStrategy strategy;
    private final HealthTable health;
    private final AtomicInteger cursor = new AtomicInteger();

    public Router(ReadStrategy strategy, HealthTable health) {
        this.strategy = strategy;
        this.health = health;
    }

    public Optional<Route> pick(MemberView view, RequestKind kind, boolean allowLearner, boolean mayProbe,
                                Set<Endpoint> exclude, long nowMillis) {
        return pick(view, kind, allowLearner, mayProbe, kind == RequestKind.WRITE, exclude, nowMillis);
    }

    /**
     * @param leaderFirst try the leader before the others (writes; and a read that was told
     *     NOT_LEADER, i.e. the cluster serves that read on the leader only)
     */
    public Optional<Route> pick(MemberView view, RequestKind kind, boolean allowLearner, boolean mayProbe,
                                boolean leaderFirst, Set<Endpoint> exclude, long nowMillis) {
        if (leaderFirst) {
            for (Endpoint e : view.leaderEndpoints()) {
                if (!exclude.contains(e)) {
                    Optional<Route> r = admit(view, e, mayProbe, nowMillis);
                    if (r.isPresent()) {
                        return r;
                    }
                }
            }
        }
        List<Endpoint> pool = new ArrayList<>(view.voterEndpoints());
        if (kind == RequestKind.SERIALIZABLE_READ && allowLearner) {
            pool.addAll(view.learnerEndpoints());
        }
        pool.removeIf(exclude::contains);
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        List<Endpoint> rotated = rotate(pool);
        if (mayProbe) {
            Optional<Route> probe = firstProbe(view, rotated, nowMillis);
            if (probe.isPresent()) {
                return probe;
            }
        }
        List<EndpointHealth> closed = new ArrayList<>();
        for (Endpoint e : rotated) {
            EndpointHealth h = health.get(e);
            if (h.isClosed()) {
                closed.add(h);
            }
        }
        if (strategy == ReadStrategy.LEAST_OUTSTANDING) {
            // Stable sort: among equals, the rotated order (round-robin) decides.
            closed.sort(Comparator.comparingInt(EndpointHealth::outstanding));
        }
        for (EndpointHealth h : closed) {
            if (h.admit(nowMillis, false) == EndpointHealth.Admission.NORMAL) {
                return Optional.of(route(view, h.endpoint(), false));
            }
        }
        return mayProbe ? Optional.empty() : firstProbe(view, rotated, nowMillis);
    }

    private Optional<Route> firstProbe(MemberView view, List<Endpoint> candidates, long nowMillis) {
        for (Endpoint e : candidates) {
            EndpointHealth h = health.get(e);
            if (h.probeReady(nowMillis)) {
                EndpointHealth.Admission a = h.admit(nowMillis, true);
                if (a != EndpointHealth.Admission.REFUSED) {
                    return Optional.of(route(view, e, a == EndpointHealth.Admission.PROBE));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Route> admit(MemberView view, Endpoint e, boolean mayProbe, long nowMillis) {
        EndpointHealth.Admission a = health.get(e).admit(nowMillis, mayProbe);
        if (a == EndpointHealth.Admission.REFUSED) {
            return Optional.empty();
        }
        return Optional.of(route(view, e, a == EndpointHealth.Admission.PROBE));
    }

    private List<Endpoint> rotate(List<Endpoint> pool) {
        int start = Math.floorMod(cursor.getAndIncrement(), pool.size());
        List<Endpoint> out = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            out.add(pool.get((start + i) % pool.size()));
        }
        return out;
    }

    private static Route route(MemberView view, Endpoint e, boolean probe) {
        return new Route(e, view.memberAt(e).map(m -> m.id()).orElse(null), probe, !view.isVoterEndpoint(e));
    }
}
