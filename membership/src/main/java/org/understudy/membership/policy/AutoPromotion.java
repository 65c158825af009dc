package org.understudy.membership.policy;

import org.understudy.membership.registry.ConfView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;
import org.understudy.raft.core.tracker.ProgressState;

/**
 * The leader-side policy that promotes a learner by itself once it has stayed caught up (the seed:
 * "make voting-member promotion fully automatic ... once the requirements are satisfied"; DESIGN.md
 * §4 rule 6: a learner never promotes itself, the leader does, with operator thresholds, off by
 * default). Only learners whose record has {@code auto_promote} are candidates, so some learners
 * can stay read-only learners for ever.
 *
 * <p>Rules, in the order they bite:
 * <ol>
 *   <li>Each call is one sample. A learner is "in" on a sample when it is reachable (per a
 *       {@link ContactTracker}, so the core's periodic clearing of {@code recentActive} is not a
 *       false alarm), has no snapshot in flight and lags by less than the threshold. Any sample
 *       out resets its clock: it must be in <em>continuously</em> for {@code stabilizationMillis},
 *       so a learner that flaps around the threshold is never promoted.
 *   <li>No decision while a configuration change is pending, while the configuration is joint, or
 *       while leadership is being transferred: one change at a time, and the next one is decided
 *       against a settled configuration. Sampling goes on meanwhile.
 *   <li>A candidate must pass {@link PromotionCheck} with the same liveness; a refusal there, or a
 *       refusal or failure reported by the caller ({@link #onRefused}, {@link #onFailed}), backs
 *       that learner off exponentially between the options' bounds, so a learner that cannot be
 *       promoted does not cause a change attempt every tick.
 *   <li>At most one learner per call: the one in the longest, then the lowest id.
 * </ol>
 * The policy proposes nothing and emits nothing; the caller acts on the {@link Decision}.
 * Not thread-safe: one caller (the membership service's tick) drives it.
 */
public final class AutoPromotion {

    private final MembershipOptions options;
    private final PromotionCheck check;
    private final ContactTracker contacts;
    private final Map<Long, LearnerClock> clocks = new TreeMap<>();

    public AutoPromotion(MembershipOptions options, long electionTimeoutMillis) {
        this.options = options;
        this.check = new PromotionCheck(options, electionTimeoutMillis);
        this.contacts = new ContactTracker(electionTimeoutMillis);
    }

    /**
     * Takes one sample and says which learner, if any, to promote now.
     *
     * @param status the node's status (nothing is decided unless it is the leader)
     * @param members the member records by id (for the {@code auto_promote} flag)
     * @param confChangePending whether a configuration change is proposed but not yet applied
     * @param nowMillis a monotonic time
     */
    public Optional<Decision> decide(CoreStatus status, Map<Long, Member> members, boolean confChangePending,
            long nowMillis) {
        contacts.observe(status, nowMillis);
        if (!options.autoPromotion() || status.role() != Role.LEADER) {
            clocks.clear();
            return Optional.empty();
        }
        ConfView conf = ConfView.of(status.confState());
        Liveness liveness = contacts.liveness(nowMillis);
        clocks.keySet().removeIf(id -> !conf.learners().contains(id) || !autoPromote(members, id));
        for (long id : conf.learners()) {
            if (!autoPromote(members, id)) {
                continue;
            }
            LearnerClock clock = clocks.computeIfAbsent(id, k -> new LearnerClock());
            if (inThreshold(status, id, liveness)) {
                if (clock.stableSince == -1) {
                    clock.stableSince = nowMillis;
                }
            } else {
                clock.stableSince = -1;
            }
        }
        if (confChangePending || conf.joint() || status.leadTransferee() != 0) {
            return Optional.empty();
        }
        List<Long> due = new ArrayList<>();
        clocks.forEach((id, clock) -> {
            if (clock.stableSince != -1 && nowMillis - clock.stableSince >= options.stabilizationMillis()
                    && nowMillis >= clock.notBefore) {
                due.add(id);
            }
        });
        due.sort(Comparator.<Long>comparingLong(id -> clocks.get(id).stableSince).thenComparingLong(id -> id));
        for (long id : due) {
            PromotionVerdict verdict = check.promote(status, id, liveness);
            if (verdict.accepted()) {
                long stableFor = nowMillis - clocks.get(id).stableSince;
                return Optional.of(new Decision(id, "learner " + options.idFormat().format(id) + " stayed within " + check.threshold()
                        + " entries of the leader and reachable for " + stableFor + " ms (stabilization "
                        + options.stabilizationMillis() + " ms); lag now " + verdict.lag() + ", "
                        + verdict.percentCaughtUp() + "% caught up", verdict));
            }
            backOff(id, nowMillis);
        }
        return Optional.empty();
    }

    /** The promotion of {@code learnerId} was refused (for example by the service's own check): wait longer before the next try. */
    public void onRefused(long learnerId, long nowMillis) {
        backOff(learnerId, nowMillis);
    }

    /** The promotion of {@code learnerId} was proposed but failed (lost leadership, timeout): wait longer before the next try. */
    public void onFailed(long learnerId, long nowMillis) {
        backOff(learnerId, nowMillis);
    }

    /** When the learner's current uninterrupted run of good samples began, or -1. */
    public long stableSince(long learnerId) {
        LearnerClock clock = clocks.get(learnerId);
        return clock == null ? -1 : clock.stableSince;
    }

    /** The earliest time of the next attempt for the learner after a back-off, or {@code Long.MIN_VALUE} when not backing off. */
    public long notBefore(long learnerId) {
        LearnerClock clock = clocks.get(learnerId);
        return clock == null ? Long.MIN_VALUE : clock.notBefore;
    }

    /** The learner's current back-off in milliseconds, 0 when none. */
    public long backoffMillis(long learnerId) {
        LearnerClock clock = clocks.get(learnerId);
        return clock == null ? 0 : clock.backoff;
    }

    private void backOff(long id, long nowMillis) {
        LearnerClock clock = clocks.computeIfAbsent(id, k -> new LearnerClock());
        clock.backoff = clock.backoff == 0 ? options.promotionBackoffMinMillis()
                : Math.min(options.promotionBackoffMaxMillis(), saturatedDouble(clock.backoff));
        clock.notBefore = nowMillis + clock.backoff;
    }

    private boolean inThreshold(CoreStatus status, long id, Liveness liveness) {
        PeerProgress pr = status.progress().get(id);
        if (pr == null || !liveness.isActive(id)) {
            return false;
        }
        if (pr.pendingSnapshot() != 0 || pr.state() == ProgressState.SNAPSHOT) {
            return false;
        }
        return Math.max(0, status.lastIndex() - pr.match()) < check.threshold();
    }

    private static boolean autoPromote(Map<Long, Member> members, long id) {
        Member m = members.get(id);
        return m != null && m.getAutoPromote();
    }

    private static long saturatedDouble(long v) {
        return v > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : v * 2;
    }

    /**
     * Promote {@code learnerId} now.
     *
     * @param reason why, for the event and the change's audit reason
     * @param verdict the check that accepted it, with the numbers
     */
    public record Decision(long learnerId, String reason, PromotionVerdict verdict) {}

    private static final class LearnerClock {
        long stableSince = -1;
        long backoff;
        long notBefore = Long.MIN_VALUE;
    }
}
