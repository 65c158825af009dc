package org.understudy.membership.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;

/**
 * The service's Micrometer meters (none when no registry is given), each tagged {@code node=<id>}:
 * <ul>
 *   <li>{@code understudy.membership.promotions{result=ok|refused|failed}} — operator, automatic and replace promotions;</li>
 *   <li>{@code understudy.membership.auto_promotions}, {@code understudy.membership.failovers};</li>
 *   <li>{@code understudy.membership.learner.lag{member}} — entries behind the leader, per learner (leader only;
 *       a node that stops leading drops its rows);</li>
 *   <li>{@code understudy.membership.stale_learners} — learners reported stale right now (leader only).</li>
 * </ul>
 */
final class MembershipMetrics {

    private final MeterRegistry registry;
    /** Every meter carries the node's id, so several nodes (tests, embedded clusters) can share one registry. */
    private final Tags node;
    private final ConcurrentHashMap<String, Counter> promotions = new ConcurrentHashMap<>();
    private final Counter autoPromotions;
    private final Counter failovers;
    private final MultiGauge learnerLag;
    private final AtomicInteger stale = new AtomicInteger();

    MembershipMetrics(MeterRegistry registry, long nodeId) {
        this.registry = registry;
        this.node = Tags.of("node", Long.toUnsignedString(nodeId));
        if (registry == null) {
            autoPromotions = null;
            failovers = null;
            learnerLag = null;
            return;
        }
        autoPromotions = Counter.builder("understudy.membership.auto_promotions")
                .description("learners promoted by the auto-promotion policy").tags(node).register(registry);
        failovers = Counter.builder("understudy.membership.failovers")
                .description("voters replaced by a standby learner").tags(node).register(registry);
        learnerLag = MultiGauge.builder("understudy.membership.learner.lag")
                .description("entries a learner is behind the leader (reported by the leader)").tags(node).register(registry);
        Gauge.builder("understudy.membership.stale_learners", stale, AtomicInteger::get)
                .description("learners not heard from for staleLearnerAfterMillis").tags(node).register(registry);
    }

    void promotion(String result) {
        if (registry != null) {
            promotions.computeIfAbsent(result, r -> Counter.builder("understudy.membership.promotions")
                    .description("promotion attempts by outcome").tags(node).tag("result", r).register(registry)).increment();
        }
    }

    void autoPromotion() {
        if (autoPromotions != null) {
            autoPromotions.increment();
        }
    }

    void failover() {
        if (failovers != null) {
            failovers.increment();
        }
    }

    void staleLearners(int count) {
        stale.set(count);
    }

    /**
     * This node stopped leading: the leader-only gauges (stale learners, learner lag) drop to
     * nothing here, so that a dashboard reads them from the new leader only and a former leader
     * does not keep showing its last view.
     */
    void notLeading() {
        stale.set(0);
        if (learnerLag != null) {
            learnerLag.register(List.of(), true);
        }
    }

    void learnerLags(CoreStatus leader, MemberRegistry members) {
        if (learnerLag == null) {
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Member m : members.learners()) {
            PeerProgress p = leader.progress().get(m.getId());
            if (p != null) {
                long lag = p.lag();
                rows.add(MultiGauge.Row.of(Tags.of("member", Long.toUnsignedString(m.getId())), lag));
            }
        }
        learnerLag.register(rows, true);
    }
}
