package org.understudy.membership.policy;

import org.understudy.membership.registry.MemberRole;

/**
 * One member as the status API shows it (§4 rule 8: "member list and status say who is a learner,
 * with its lag"; issue 5: role, match, lag in entries and bytes where known, catch-up rate and time
 * to ready, last contact, promotable yes/no with the reason). Replication numbers are known only on
 * the leader; elsewhere they are -1 and {@code reason} says so.
 *
 * @param id the Raft node id
 * @param name the member's name ({@code node-<id>} when it has no record)
 * @param role where it sits in the configuration
 * @param leader whether it is the leader that built this view
 * @param standby whether its record marks it as a standby for failover
 * @param autoPromote whether its record lets the leader promote it automatically
 * @param match its match index, -1 when unknown
 * @param lag entries behind the leader's last index, -1 when unknown
 * @param lagBytes bytes behind the leader, -1 when unknown (the core does not track it yet)
 * @param catchUpRatePerSec how fast its lag shrinks, entries per second; NaN when unknown
 * @param eta whether it converges
 * @param etaMillis milliseconds until it is within the promotion threshold; 0 ready, -1 unknown or never
 * @param lastContactMillis milliseconds since the leader last saw it active; 0 now, -1 unknown
 * @param stale whether it is a learner the leader has not heard from for
 *     {@code staleLearnerAfterMillis} (reported once by an event; removed if the options say so)
 * @param promotable whether a promotion would be accepted now (only ever true for a learner)
 * @param reason why it is or is not promotable, in words
 */
public record MemberStatusView(
        long id,
        String name,
        MemberRole role,
        boolean leader,
        boolean standby,
        boolean autoPromote,
        long match,
        long lag,
        long lagBytes,
        double catchUpRatePerSec,
        CatchUpEstimate.Eta eta,
        long etaMillis,
        long lastContactMillis,
        boolean stale,
        boolean promotable,
        String reason) {

    /** Whether this member is a learner (the convenience the client routing rules of §4 rule 9 need). */
    public boolean learner() {
        return role == MemberRole.LEARNER;
    }
}
