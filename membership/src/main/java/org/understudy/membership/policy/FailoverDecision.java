package org.understudy.membership.policy;

/** What {@link StandbyFailover} says on one tick: replace a voter now, or not, and why not. */
public sealed interface FailoverDecision {

    /** A sentence for logs and status: why this decision. */
    String reason();

    /**
     * Replace the unreachable {@code voterId} by the standby {@code learnerId} in one joint change.
     *
     * @param verdict the {@link PromotionCheck#replace} acceptance, with the numbers
     */
    record Replace(long voterId, long learnerId, String reason, PromotionVerdict verdict) implements FailoverDecision {}

    /** Nothing to do now; {@code reason} says why (failover off, all voters up, cooling down, no standby ready...). */
    record None(String reason) implements FailoverDecision {}
}
