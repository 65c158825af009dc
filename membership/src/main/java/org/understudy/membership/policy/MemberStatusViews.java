package org.understudy.membership.policy;

import org.understudy.membership.registry.ConfView;

import org.understudy.membership.registry.MemberRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;

/**
 * Builds the per-member status rows from what the policies already know: the core status, the
 * member records, a {@link CatchUpEstimator}, a {@link Liveness} and a {@link PromotionCheck}. Pure:
 * it only reads its arguments, so the status a leader shows is exactly what a promote request would
 * be told at that moment.
 */
public final class MemberStatusViews {

    private MemberStatusViews() {}

    /**
     * One row per member of the configuration, ascending id.
     *
     * @param status this node's status; replication columns are -1 unless it is the leader
     * @param members member records by id; a member without one is shown as {@code node-<id>}
     * @param estimator catch-up estimates (already fed with samples by the caller)
     * @param liveness who counts as reachable, with last-contact times (for example
     *     {@link ContactTracker#liveness}); on a non-leader it is not consulted
     * @param check the promotion check whose answer the {@code promotable} column shows
     */
    public static List<MemberStatusView> build(CoreStatus status, Map<Long, Member> members,
            CatchUpEstimator estimator, Liveness liveness, PromotionCheck check) {
        return build(status, members, estimator, liveness, check, java.util.Set.of());
    }

    /**
     * As {@link #build(CoreStatus, Map, CatchUpEstimator, Liveness, PromotionCheck)}, with the
     * learners that {@link StaleLearners} currently reports marked {@code stale}.
     */
    public static List<MemberStatusView> build(CoreStatus status, Map<Long, Member> members,
            CatchUpEstimator estimator, Liveness liveness, PromotionCheck check, java.util.Set<Long> stale) {
        ConfView conf = ConfView.of(status.confState());
        boolean leading = status.role() == Role.LEADER;
        String askLeader = status.leaderId() != 0 ? " (ask node " + check.idFormat().format(status.leaderId()) + ")" : "";
        List<MemberStatusView> rows = new ArrayList<>();
        for (long id : conf.members()) {
            Member record = members.get(id);
            String name = record == null || record.getName().isEmpty() ? "node-" + Long.toUnsignedString(id)
                    : record.getName();
            boolean standby = record != null && record.getStandby();
            boolean autoPromote = record != null && record.getAutoPromote();
            MemberRole role = conf.role(id);
            boolean self = id == status.id();
            if (!leading) {
                rows.add(new MemberStatusView(id, name, role, false, standby, autoPromote, -1, -1, -1, Double.NaN,
                        CatchUpEstimate.Eta.UNKNOWN, -1, -1, false, false,
                        "unknown here: only the leader tracks replication progress" + askLeader));
                continue;
            }
            PeerProgress pr = status.progress().get(id);
            long match = self ? status.lastIndex() : pr == null ? -1 : pr.match();
            long lag = match < 0 ? -1 : Math.max(0, status.lastIndex() - match);
            CatchUpEstimate estimate = self
                    ? new CatchUpEstimate(CatchUpEstimate.Eta.READY, 0.0, 0, 0)
                    : estimator.estimate(id, check.threshold());
            long lastContact = self ? 0 : liveness.lastContactMillis(id);
            boolean promotable = false;
            String reason;
            if (role == MemberRole.LEARNER) {
                PromotionVerdict verdict = check.promote(status, id, liveness);
                promotable = verdict.accepted();
                reason = verdict.message();
            } else if (self) {
                reason = "the leader";
            } else {
                reason = "a voter (" + role.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
            }
            rows.add(new MemberStatusView(id, name, role, self, standby, autoPromote, match, lag, -1,
                    estimate.ratePerSec(), estimate.eta(), estimate.etaMillis(), lastContact, stale.contains(id), promotable,
                    reason));
        }
        return List.copyOf(rows);
    }
}
