package org.understudy.examples.kv.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.function.Supplier;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.runtime.NodeStatus;

/**
 * The Raft meters issue 7 asks for on {@code /metrics}: term, role, commit and applied index,
 * leader changes, proposals, and (on the leader) each peer's lag. Learner promotions
 * ({@code understudy.membership.promotions{result=ok|refused|failed}}) come from the membership
 * service, which is given the same registry. Every meter carries {@code node=<hex id>}.
 */
final class RaftMetrics {
    static final List<String> ROLES = List.of("leader", "follower", "candidate", "learner");

    private final MeterRegistry registry;
    private final Tags node;
    private final Counter leaderChanges;
    private final Counter proposalsOk;
    private final Counter proposalsFailed;
    private final MultiGauge peerLag;

    RaftMetrics(MeterRegistry registry, long memberId, Supplier<NodeStatus> status) {
        this.registry = registry;
        this.node = Tags.of("node", ClusterIds.hex(memberId));
        Gauge.builder("understudy.raft.term", () -> status.get().term()).tags(node)
                .description("the current Raft term").register(registry);
        Gauge.builder("understudy.raft.commit.index", () -> status.get().commitIndex()).tags(node)
                .description("the highest log index known committed").register(registry);
        Gauge.builder("understudy.raft.applied.index", () -> status.get().appliedIndex()).tags(node)
                .description("the highest log index applied to the key-value store").register(registry);
        Gauge.builder("understudy.raft.last.index", () -> status.get().core().lastIndex()).tags(node)
                .description("the last index in this member's log").register(registry);
        for (String role : ROLES) {
            Gauge.builder("understudy.raft.role", () -> role.equals(KvNode.roleOf(status.get())) ? 1 : 0)
                    .tags(node.and("role", role)).description("1 for this member's current role").register(registry);
        }
        leaderChanges = Counter.builder("understudy.raft.leader.changes").tags(node)
                .description("times the leader this member knows of changed").register(registry);
        proposalsOk = Counter.builder("understudy.raft.proposals").tags(node.and("result", "ok"))
                .description("writes proposed through this member").register(registry);
        proposalsFailed = Counter.builder("understudy.raft.proposals").tags(node.and("result", "failed"))
                .register(registry);
        peerLag = MultiGauge.builder("understudy.raft.peer.lag").tags(node)
                .description("entries each peer is behind the leader's last index (on the leader only)")
                .register(registry);
    }

    void leaderChanged() {
        leaderChanges.increment();
    }

    void proposal(boolean ok) {
        (ok ? proposalsOk : proposalsFailed).increment();
    }

    /** Refreshes the per-peer lag from the leader's progress (empty on a non-leader). */
    void refresh(NodeStatus status) {
        List<MultiGauge.Row<?>> rows = status.progress().values().stream()
                .filter(p -> p.id() != status.id())
                .<MultiGauge.Row<?>>map(p -> MultiGauge.Row.of(Tags.of("peer", ClusterIds.hex(p.id()),
                        "learner", Boolean.toString(p.learner())), lagOf(p)))
                .toList();
        peerLag.register(rows, true);
    }

    private static long lagOf(PeerProgress p) {
        return p.lag();
    }

    MeterRegistry registry() {
        return registry;
    }
}
