/**
 * The pure decision logic of membership (DESIGN.md §4): no threads, no clock (time is a
 * {@code nowMillis} argument), no I/O, deterministic. The service and the runtime feed these
 * classes with leader status samples and act on their answers; nothing here proposes a change.
 *
 * <ul>
 *   <li>{@link org.understudy.membership.policy.MembershipOptions}: the operator's knobs and their defaults.
 *   <li>{@link org.understudy.membership.policy.PeerUrls}, {@link org.understudy.membership.policy.MemberNames}:
 *       what a new member must look like (the seed's Figure 8: refuse a bad URL before it is in the log).
 *   <li>{@link org.understudy.membership.policy.PromotionCheck}: may a learner become a voter, alone or
 *       replacing a voter (§4 rule 5; Figures 10–12)? Typed refusals with the numbers.
 *   <li>{@link org.understudy.membership.policy.ContactTracker}: who was heard from when, smoothed over the
 *       core's periodic reset of {@code recentActive}.
 *   <li>{@link org.understudy.membership.policy.AutoPromotion},
 *       {@link org.understudy.membership.policy.StandbyFailover},
 *       {@link org.understudy.membership.policy.StaleLearners}: the leader-side policies, all off or
 *       report-only by default.
 *   <li>{@link org.understudy.membership.policy.CatchUpEstimator} and
 *       {@link org.understudy.membership.policy.MemberStatusViews}: the per-member status rows.
 * </ul>
 */
package org.understudy.membership.policy;
