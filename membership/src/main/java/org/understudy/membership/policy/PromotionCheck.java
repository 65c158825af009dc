package org.understudy.membership.policy;

import org.understudy.membership.registry.ConfView;

import org.understudy.membership.registry.MemberRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;
import org.understudy.raft.core.tracker.ProgressState;

/**
 * Decides on the leader whether a learner may become a voter (DESIGN.md §4 rule 5; the seed's
 * Figures 10–12: "only after its log has caught up to leader's can learner be promoted"). Pure:
 * it reads one leader status and answers; it proposes nothing.
 *
 * <p>A learner is ready when it was heard from within an election timeout, has no snapshot in
 * flight, lags the leader by less than the threshold, and the quorum arithmetic works out:
 * <ul>
 *   <li>the reachable voters of the <em>current</em> configuration are a majority of it, because
 *       a configuration change takes effect when applied, so the current voters must commit it;
 *   <li>the reachable voters of the configuration <em>after</em> the change (the promoted learner
 *       counted as a voter) are a majority of it, so the cluster keeps working once it switches
 *       (the seed's Figure 6: a voter added while another is cut off loses the quorum).
 * </ul>
 * For {@code replace(voter, learner)} (one joint change, thesis §4.3) the same two conditions
 * hold for the old voter set and the new one with the voter removed and the learner added: a joint
 * configuration needs a majority of both halves, so both must have one.
 *
 * <p>Who counts as reachable is a {@link Liveness}: the raw flags of the status by default, or a
 * {@link ContactTracker}'s smoothed view. The leader always counts itself.
 *
 * <p>The messages name members with a {@link NodeIdFormat} (the options' {@link
 * MembershipOptions#idFormat()}), so a refusal spells an id as the application's member list does;
 * the verdict's numbers and details are the same whatever the format.
 */
public final class PromotionCheck {

    private final long threshold;
    private final long electionTimeoutMillis;
    private final NodeIdFormat ids;

    /** A check whose messages write ids in {@link NodeIdFormat#DECIMAL}. */
    public PromotionCheck(long threshold, long electionTimeoutMillis) {
        this(threshold, electionTimeoutMillis, NodeIdFormat.DECIMAL);
    }

    /**
     * @param threshold a learner lagging this many entries or more is not ready (at least 1)
     * @param electionTimeoutMillis only for the messages: "not heard from within an election timeout (N ms)"
     * @param ids how the messages write member ids
     */
    public PromotionCheck(long threshold, long electionTimeoutMillis, NodeIdFormat ids) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        if (electionTimeoutMillis <= 0) {
            throw new IllegalArgumentException("electionTimeoutMillis must be positive, got " + electionTimeoutMillis);
        }
        this.threshold = threshold;
        this.electionTimeoutMillis = electionTimeoutMillis;
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * A check with the options' {@link MembershipOptions#promoteMaxLag()} as the threshold and
     * their {@link MembershipOptions#idFormat()} for the messages.
     */
    public PromotionCheck(MembershipOptions options, long electionTimeoutMillis) {
        this(options.promoteMaxLag(), electionTimeoutMillis, options.idFormat());
    }

    public long threshold() {
        return threshold;
    }

    /** How this check's messages write member ids. */
    public NodeIdFormat idFormat() {
        return ids;
    }

    /** {@link #promote(CoreStatus, long, Liveness)} with the status's own {@code recentActive} flags. */
    public PromotionVerdict promote(CoreStatus leader, long learnerId) {
        return promote(leader, learnerId, Liveness.fromFlags(leader));
    }

    /**
     * May {@code learnerId} be promoted to a voter now?
     *
     * @param leader a status of the leader (the caller answers NOT_LEADER elsewhere)
     * @throws IllegalArgumentException when the status is not a leader's: only the leader knows the
     *     learner's progress
     */
    public PromotionVerdict promote(CoreStatus leader, long learnerId, Liveness liveness) {
        requireLeader(leader);
        ConfView conf = ConfView.of(leader.confState());
        PromotionVerdict refusal = checkIsLearner(conf, learnerId, 0);
        if (refusal != null) {
            return refusal;
        }
        Set<Long> after = new TreeSet<>(conf.voters());
        after.add(learnerId);
        List<Half> halves = currentHalves(conf);
        halves.add(new Half(after, "promoting learner " + ids.format(learnerId) + " would leave"));
        return readiness(leader, learnerId, 0, halves, liveness, "");
    }

    /** {@link #replace(CoreStatus, long, long, Liveness)} with the status's own {@code recentActive} flags. */
    public PromotionVerdict replace(CoreStatus leader, long voterId, long learnerId) {
        return replace(leader, voterId, learnerId, Liveness.fromFlags(leader));
    }

    /**
     * May one joint change promote {@code learnerId} and remove {@code voterId} now? The learner must
     * be ready as for a promotion, and both the old voter set and the new one (voter out, learner in)
     * must keep a reachable majority. Replacing the leader itself passes this check; the caller
     * transfers leadership first.
     *
     * @throws IllegalArgumentException when the status is not a leader's
     */
    public PromotionVerdict replace(CoreStatus leader, long voterId, long learnerId, Liveness liveness) {
        requireLeader(leader);
        ConfView conf = ConfView.of(leader.confState());
        if (voterId == learnerId) {
            return refuse(PromotionOutcome.SAME_MEMBER, learnerId, voterId, "replace names member "
                    + ids.format(learnerId) + " both as the voter to remove and as the learner to promote");
        }
        MemberRole voterRole = conf.role(voterId);
        if (voterRole == MemberRole.NONE) {
            return refuse(PromotionOutcome.MEMBER_NOT_FOUND, learnerId, voterId, "voter " + ids.format(voterId)
                    + " to replace is not in the cluster configuration");
        }
        if (voterRole != MemberRole.VOTER) {
            return refuse(PromotionOutcome.NOT_A_VOTER, learnerId, voterId, "member " + ids.format(voterId) + " is "
                    + describe(voterRole) + ", not a voter; replace removes a voter (remove a learner with remove)");
        }
        PromotionVerdict refusal = checkIsLearner(conf, learnerId, voterId);
        if (refusal != null) {
            return refusal;
        }
        Set<Long> after = new TreeSet<>(conf.voters());
        after.remove(voterId);
        after.add(learnerId);
        List<Half> halves = currentHalves(conf);
        halves.add(new Half(after, "replacing voter " + ids.format(voterId) + " by learner " + ids.format(learnerId)
                + " would leave"));
        return readiness(leader, learnerId, voterId, halves, liveness,
                "cannot replace voter " + ids.format(voterId) + " by learner " + ids.format(learnerId) + ": ");
    }

    private PromotionVerdict checkIsLearner(ConfView conf, long learnerId, long voterId) {
        MemberRole role = conf.role(learnerId);
        if (role == MemberRole.NONE) {
            return refuse(PromotionOutcome.MEMBER_NOT_FOUND, learnerId, voterId, "member " + ids.format(learnerId)
                    + " is not in the cluster configuration");
        }
        if (role != MemberRole.LEARNER) {
            return refuse(PromotionOutcome.NOT_A_LEARNER, learnerId, voterId, "member " + ids.format(learnerId)
                    + " is " + describe(role) + "; only a learner can be promoted");
        }
        return null;
    }

    private PromotionVerdict readiness(CoreStatus leader, long learnerId, long voterId, List<Half> halves,
            Liveness liveness, String prefix) {
        PeerProgress pr = leader.progress().get(learnerId);
        long last = leader.lastIndex();
        long match = pr == null ? 0 : pr.match();
        long lag = Math.max(0, last - match);
        double ratio = last <= 0 ? 1.0 : Math.min(1.0, Math.max(0.0, (double) match / last));
        long pending = pr == null ? 0 : pr.pendingSnapshot();
        boolean snapshotInFlight = pr != null && (pending != 0 || pr.state() == ProgressState.SNAPSHOT);
        boolean active = pr != null && liveness.isActive(learnerId);
        long lastContact = liveness.lastContactMillis(learnerId);

        String learner = ids.format(learnerId);
        Half failing = null;
        QuorumMath.ActiveCount failingCount = null;
        QuorumMath.ActiveCount afterCount = null;
        for (Half half : halves) {
            QuorumMath.ActiveCount count = QuorumMath.count(half.voters, liveness);
            afterCount = count; // the last half is the configuration after the change
            if (failing == null && !count.hasQuorum()) {
                failing = half;
                failingCount = count;
            }
        }
        QuorumMath.ActiveCount shown = failingCount != null ? failingCount : afterCount;

        NotReadyReason reason;
        String message;
        // A snapshot in flight is named first: right after a learner starts on a compacted log,
        // the leader streams it a snapshot before the learner has acknowledged any append, so it
        // is not confirmed active yet either, and "receiving a snapshot" is the useful answer.
        if (snapshotInFlight) {
            reason = NotReadyReason.SNAPSHOT_IN_FLIGHT;
            String index = pending != 0 ? " (index " + pending + ")" : "";
            message = (active ? "learner " + learner + " is still receiving a snapshot" + index
                    : "a snapshot" + index + " is on its way to learner " + learner + ", which has not answered yet")
                    + "; retry once it has installed it and caught up";
        } else if (!active) {
            reason = NotReadyReason.NOT_RECENTLY_ACTIVE;
            message = "learner " + learner + " has not been heard from within an election timeout ("
                    + electionTimeoutMillis + " ms)"
                    + (lastContact > 0 ? "; last contact " + lastContact + " ms ago" : "")
                    + "; check that it is running and reachable at its peer URLs, then retry";
        } else if (lag >= threshold) {
            reason = NotReadyReason.LAGGING;
            message = "learner " + learner + " lags " + lag + " entries behind the leader (threshold " + threshold
                    + ", " + percent(ratio) + "% caught up); wait for it to catch up, or raise promoteMaxLag";
        } else if (failing != null) {
            reason = NotReadyReason.QUORUM_AT_RISK;
            message = failing.phrase + " " + failingCount.active() + " of " + failingCount.size()
                    + " voters reachable, fewer than the " + failingCount.needed() + " a quorum needs"
                    + "; bring the unreachable voters back (or remove them) first";
        } else {
            return new PromotionVerdict(PromotionOutcome.ACCEPTED, null, learnerId, voterId, match, last, lag,
                    threshold, ratio, false, pending, lastContact, shown.active(), shown.needed(),
                    "learner " + learner + " is ready"
                            + (voterId != 0 ? " to replace voter " + ids.format(voterId) : "")
                            + ": lag " + lag + " (threshold " + threshold + "), "
                            + percent(ratio) + "% caught up; " + shown.active() + " of " + shown.size()
                            + " voters reachable after the change");
        }
        return new PromotionVerdict(PromotionOutcome.LEARNER_NOT_READY, reason, learnerId, voterId, match, last, lag,
                threshold, ratio, snapshotInFlight, pending, lastContact, shown.active(), shown.needed(),
                prefix + message);
    }

    /** The halves of the current configuration: their majorities must commit the change. */
    private static List<Half> currentHalves(ConfView conf) {
        List<Half> halves = new ArrayList<>();
        halves.add(new Half(conf.voters(), "the change cannot commit: there are only"));
        if (conf.joint()) {
            halves.add(new Half(conf.outgoing(), "the change cannot commit: the outgoing configuration has only"));
        }
        return halves;
    }

    private static int percent(double ratio) {
        return (int) Math.floor(ratio * 100.0);
    }

    private static String describe(MemberRole role) {
        return switch (role) {
            case VOTER -> "already a voter";
            case VOTER_OUTGOING -> "a voter being removed";
            case LEARNER_NEXT -> "a voter being demoted to learner";
            case LEARNER -> "a learner";
            case NONE -> "not a member";
        };
    }

    private PromotionVerdict refuse(PromotionOutcome outcome, long learnerId, long voterId, String message) {
        return new PromotionVerdict(outcome, null, learnerId, voterId, 0, 0, 0, threshold, 0.0, false, 0, -1, 0, 0,
                message);
    }

    private void requireLeader(CoreStatus status) {
        if (status.role() != Role.LEADER) {
            throw new IllegalArgumentException("promotion is decided on the leader; node " + ids.format(status.id())
                    + " is " + status.role() + " (the caller answers NOT_LEADER)");
        }
    }

    /** A voter set whose reachable majority the change needs, and how to say that it has none. */
    private record Half(Set<Long> voters, String phrase) {}
}
