package org.understudy.membership.service;

import org.understudy.membership.policy.PromotionVerdict;
import org.understudy.membership.proto.Member;

/** What the membership service did or noticed, for {@link MembershipListener}s (and logs, metrics). */
public sealed interface MembershipEvent {

    /** A member was added (as a learner unless {@code voter}). */
    record Added(Member member, boolean voter) implements MembershipEvent {}

    /** A learner was promoted; {@code automatic} when the auto-promotion policy did it. */
    record Promoted(long memberId, boolean automatic, PromotionVerdict verdict) implements MembershipEvent {}

    /** A promotion was refused (the verdict says why, with the numbers). */
    record PromotionRefused(long memberId, boolean automatic, PromotionVerdict verdict) implements MembershipEvent {}

    /** A member was removed. */
    record Removed(long memberId, String reason) implements MembershipEvent {}

    /** A voter was replaced by a learner in one joint change; {@code failover} when standby failover did it. */
    record Replaced(long voterId, long learnerId, boolean failover, String reason) implements MembershipEvent {}

    /** Standby failover began replacing an unreachable voter. */
    record FailoverStarted(long voterId, long learnerId, String reason) implements MembershipEvent {}

    /** A change the service proposed by itself (auto-promotion, failover, stale removal) failed. */
    record PolicyChangeFailed(String what, String reason) implements MembershipEvent {}

    /** A learner has not been heard from for {@code silentForMillis}; reported once per silence. */
    record StaleLearner(long memberId, long silentForMillis, boolean willRemove) implements MembershipEvent {}
}
