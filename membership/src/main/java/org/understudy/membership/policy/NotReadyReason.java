package org.understudy.membership.policy;

/**
 * Why a learner may not become a voter yet (§4 rule 5). Checked in this order, so the reason given
 * is the first thing the operator has to fix.
 */
public enum NotReadyReason {
    /**
     * Not heard from within an election timeout. A voter that does not answer is a voter missing
     * from every quorum from the moment it is promoted (the seed's Figures 6 and 7).
     */
    NOT_RECENTLY_ACTIVE,
    /**
     * A snapshot is still on its way (the leader's progress has a pending snapshot or is in the
     * SNAPSHOT state). The seed: "if learner has not completed its snapshot message, reject
     * promote request".
     */
    SNAPSHOT_IN_FLIGHT,
    /**
     * Lags the leader's last index by the threshold or more (default snapshotCount / 10): promoted
     * now, it would still need so many entries, or a snapshot, before it could help commit anything
     * (the seed's Figure 12, "promote too early").
     */
    LAGGING,
    /**
     * The change could not commit, or would leave the cluster without a majority of reachable
     * voters: the voters heard from recently (the leader counts itself, the learner counts once
     * promoted) are not a majority of the current voter set, or of the voter set after the change.
     */
    QUORUM_AT_RISK
}
