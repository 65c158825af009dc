package org.understudy.membership.policy;

import org.understudy.membership.registry.ConfView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.understudy.membership.proto.Member;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;

/**
 * The leader-side policy that lets a caught-up standby learner take the place of a voter that has
 * been unreachable for a long time (the seed: "make learner standby failover node ... gets
 * automatically promoted when the cluster availability is affected"). Off by default.
 *
 * <p>Rules, each one a way this must never hurt the cluster:
 * <ul>
 *   <li><b>Only a real outage.</b> A voter is down when every sample for {@code failoverAfterMillis}
 *       (at least three election timeouts) found it inactive; one active sample resets its clock, so
 *       a brief pause, a GC or a leader change never triggers a replacement.
 *   <li><b>Never the leader.</b> The node deciding is up by definition.
 *   <li><b>Only with a quorum to spare.</b> The replacement is one joint change (voter out, standby in),
 *       and {@link PromotionCheck#replace} must accept it: the standby is ready and both the old and the
 *       new voter set keep a reachable majority — the remaining live voters plus the standby are a
 *       majority of the new configuration.
 *   <li><b>One at a time.</b> Nothing while any configuration change is pending or the configuration
 *       is joint; nothing while a failover this policy started is in flight (until the caller
 *       reports {@link #onCompleted} or {@link #onFailed}, or the configuration shows the
 *       replacement done); then a cool-down of
 *       {@code failoverCooldownMillis} before the next, so that two failovers never overlap and a
 *       cluster that is failing in several places is not reshuffled at machine speed.
 * </ul>
 * If several voters are down, the one down longest goes first; among ready standbys, the one with
 * the least lag (then the lowest id). Not thread-safe: one caller drives it.
 */
public final class StandbyFailover {

    private final MembershipOptions options;
    private final PromotionCheck check;
    private final ContactTracker contacts;
    private FailoverDecision.Replace inFlight;
    private long cooldownUntil = Long.MIN_VALUE;

    /**
     * @throws IllegalArgumentException when failover is enabled with a {@code failoverAfterMillis}
     *     under three election timeouts ({@link MembershipOptions#validateFor})
     */
    public StandbyFailover(MembershipOptions options, long electionTimeoutMillis) {
        this.options = options.validateFor(electionTimeoutMillis);
        this.check = new PromotionCheck(options, electionTimeoutMillis);
        this.contacts = new ContactTracker(electionTimeoutMillis);
    }

    /**
     * Takes one sample and decides. A {@link FailoverDecision.Replace} is taken to be acted on at
     * once: from then on the policy counts it in flight until {@link #onCompleted} or {@link #onFailed}.
     *
     * @param status the node's status (nothing is decided unless it is the leader)
     * @param members the member records by id (for the {@code standby} flag)
     * @param confChangePending whether a configuration change is proposed but not yet applied
     * @param nowMillis a monotonic time
     */
    public FailoverDecision decide(CoreStatus status, Map<Long, Member> members, boolean confChangePending,
            long nowMillis) {
        contacts.observe(status, nowMillis);
        if (!options.standbyFailover()) {
            return new FailoverDecision.None("standby failover is off");
        }
        if (status.role() != Role.LEADER) {
            return new FailoverDecision.None("only the leader decides failovers; this node is " + status.role());
        }
        ConfView conf = ConfView.of(status.confState());
        if (inFlight != null && !conf.joint() && conf.voters().contains(inFlight.learnerId())
                && !conf.contains(inFlight.voterId())) {
            finish(nowMillis); // the configuration shows it done, whether or not the caller said so
        }
        if (inFlight != null) {
            return new FailoverDecision.None("a failover is in flight (replace voter " + idText(inFlight.voterId())
                    + " by learner " + idText(inFlight.learnerId()) + ")");
        }
        if (nowMillis < cooldownUntil) {
            return new FailoverDecision.None("cooling down after the last failover for another "
                    + (cooldownUntil - nowMillis) + " ms");
        }
        if (confChangePending || conf.joint()) {
            return new FailoverDecision.None("a configuration change is in progress");
        }
        if (status.leadTransferee() != 0) {
            return new FailoverDecision.None("leadership is being transferred to " + idText(status.leadTransferee()));
        }
        List<Long> down = new ArrayList<>();
        for (long voter : conf.voters()) {
            if (voter != status.id() && contacts.silentForMillis(voter, nowMillis) >= options.failoverAfterMillis()) {
                down.add(voter);
            }
        }
        if (down.isEmpty()) {
            return new FailoverDecision.None("no voter has been unreachable for " + options.failoverAfterMillis() + " ms");
        }
        down.sort(Comparator.<Long>comparingLong(contacts::silentSince).thenComparingLong(id -> id));
        List<Long> standbys = new ArrayList<>();
        for (long learner : conf.learners()) {
            Member m = members.get(learner);
            if (m != null && m.getStandby()) {
                standbys.add(learner);
            }
        }
        if (standbys.isEmpty()) {
            return new FailoverDecision.None("voter " + idText(down.get(0))
                    + " is down but there is no standby learner");
        }
        standbys.sort(Comparator.<Long>comparingLong(id -> lag(status, id)).thenComparingLong(id -> id));
        Liveness liveness = contacts.liveness(nowMillis);
        StringBuilder refusals = new StringBuilder();
        for (long voter : down) {
            for (long learner : standbys) {
                PromotionVerdict verdict = check.replace(status, voter, learner, liveness);
                if (verdict.accepted()) {
                    inFlight = new FailoverDecision.Replace(voter, learner, "voter " + idText(voter)
                            + " unreachable for " + contacts.silentForMillis(voter, nowMillis) + " ms (threshold "
                            + options.failoverAfterMillis() + " ms); standby " + idText(learner) + " is ready (lag "
                            + verdict.lag() + "), " + verdict.activeVoters() + " of the new voters reachable",
                            verdict);
                    return inFlight;
                }
                if (refusals.length() > 0) {
                    refusals.append("; ");
                }
                refusals.append(verdict.message());
            }
        }
        return new FailoverDecision.None("no standby can replace the down voters " + options.idFormat().formatAll(down) + ": "
                + refusals);
    }

    /** The failover in flight finished (the joint change was applied and left); the cool-down starts now. */
    public void onCompleted(long nowMillis) {
        finish(nowMillis);
    }

    /** The failover in flight failed (refused, lost leadership, timed out); the cool-down starts now all the same. */
    public void onFailed(long nowMillis) {
        finish(nowMillis);
    }

    /** The failover this policy is waiting on, or {@code null}. */
    public FailoverDecision.Replace inFlight() {
        return inFlight;
    }

    /** Until when no new failover is decided ({@code Long.MIN_VALUE} before the first). */
    public long cooldownUntil() {
        return cooldownUntil;
    }

    private void finish(long nowMillis) {
        inFlight = null;
        long cooldown = options.failoverCooldownMillis();
        cooldownUntil = nowMillis > Long.MAX_VALUE - cooldown ? Long.MAX_VALUE : nowMillis + cooldown;
    }

    /** A member id as the reasons write it. */
    private String idText(long member) {
        return options.idFormat().format(member);
    }

    private static long lag(CoreStatus status, long id) {
        PeerProgress pr = status.progress().get(id);
        return pr == null ? Long.MAX_VALUE : Math.max(0, status.lastIndex() - pr.match());
    }
}
