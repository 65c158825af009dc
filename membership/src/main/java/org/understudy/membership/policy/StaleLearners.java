package org.understudy.membership.policy;

import org.understudy.membership.registry.ConfView;

import java.util.ArrayList;
import java.util.List;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.Role;

/**
 * Finds learners the leader has not heard from for {@code staleLearnerAfterMillis}. Why: learners
 * are limited (§4 rule 4, default one), so a learner added with a wrong URL or on a machine that
 * died would otherwise block every future add for ever (the seed's Figure 8, where the bad member
 * was a voter and the cluster was lost; as a learner it costs only the slot). Reporting is always
 * on; removal only with {@code removeStaleLearners}, and it is safe because removing a learner never
 * changes the quorum (§4 rule 10).
 *
 * <p>Silence is measured by a {@link ContactTracker}: from the first sample that found the learner
 * inactive, reset by any active sample. A learner that never answered this leader is silent since
 * this leader's first sample. Not thread-safe: one caller drives it.
 */
public final class StaleLearners {

    private final MembershipOptions options;
    private final ContactTracker contacts;

    /** @param electionTimeoutMillis the grace of the underlying {@link ContactTracker} */
    public StaleLearners(MembershipOptions options, long electionTimeoutMillis) {
        this.options = options;
        this.contacts = new ContactTracker(electionTimeoutMillis);
    }

    /**
     * Takes one sample and reports the stale learners (empty unless the node is the leader).
     *
     * @param nowMillis a monotonic time
     */
    public Report observe(CoreStatus status, long nowMillis) {
        contacts.observe(status, nowMillis);
        if (status.role() != Role.LEADER) {
            return new Report(List.of(), List.of());
        }
        List<StaleLearner> stale = new ArrayList<>();
        for (long id : ConfView.of(status.confState()).learners()) {
            long silentFor = contacts.silentForMillis(id, nowMillis);
            if (silentFor >= options.staleLearnerAfterMillis()) {
                stale.add(new StaleLearner(id, contacts.silentSince(id), silentFor,
                        contacts.lastContactMillis(id, nowMillis)));
            }
        }
        List<Long> toRemove = options.removeStaleLearners() ? stale.stream().map(StaleLearner::id).toList() : List.of();
        return new Report(List.copyOf(stale), toRemove);
    }

    /**
     * @param id the learner
     * @param silentSinceMillis when its current silence began, as this leader saw it
     * @param silentForMillis how long that is
     * @param lastContactMillis milliseconds since it was last seen active by this leader, -1 if never
     */
    public record StaleLearner(long id, long silentSinceMillis, long silentForMillis, long lastContactMillis) {}

    /**
     * @param stale every learner silent for too long, ascending id
     * @param toRemove the ones to remove: all of {@code stale} when {@code removeStaleLearners} is on,
     *     else none (the caller removes them one change at a time)
     */
    public record Report(List<StaleLearner> stale, List<Long> toRemove) {
        public boolean isEmpty() {
            return stale.isEmpty();
        }
    }
}
