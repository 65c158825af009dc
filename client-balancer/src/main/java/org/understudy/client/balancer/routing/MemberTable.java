package org.understudy.client.balancer.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.Member;
import org.understudy.client.balancer.MemberList;

/**
 * Holds the current {@link MemberView} and decides what may replace it. Thread-safe: writers
 * synchronise, readers take the volatile view.
 *
 * <p>Ordering rule (a list older than the current one never replaces it). Every piece of
 * information gets a <em>stamp</em> from one counter when it is requested: a fetch when it
 * starts, an explicit update when it is made, a leader hint or a learner suspicion when it
 * arrives. A list is accepted when
 * <ul>
 *   <li>both it and the current view carry a revision: its revision is higher, or equal with a
 *       later stamp (same configuration, fresher leader);</li>
 *   <li>otherwise: its stamp is later than the current view's (a fetch that started before
 *       the current list was obtained is older, however late it answers).</li>
 * </ul>
 * The leader is taken from an accepted list only if the list names one and its stamp is later
 * than that of the leader we know (a NOT_LEADER hint that arrived while the fetch was in flight
 * is newer). A learner suspicion is cleared only by a list fetched after it was raised.
 */
public final class MemberTable {

    /** What {@link #apply} did. */
    public record Result(boolean applied, MemberView before, MemberView after) {
    }

    private final AtomicLong stamps = new AtomicLong();
    private volatile MemberView view = MemberView.EMPTY;
    private long leaderStamp;
    private final Map<Endpoint, Long> suspects = new HashMap<>();

    /** A new stamp, later than every stamp given before. */
    public long nextStamp() {
        return stamps.incrementAndGet();
    }

    public MemberView view() {
        return view;
    }

    /** Offers a list stamped {@code stamp}; learners are split off, never routed to. */
    public synchronized Result apply(MemberList list, long stamp) {
        MemberView cur = view;
        boolean bothKnown = list.revision() >= 0 && cur.revision() >= 0;
        boolean accept = bothKnown
                ? list.revision() > cur.revision() || (list.revision() == cur.revision() && stamp > cur.stamp())
                : stamp > cur.stamp();
        if (!accept) {
            return new Result(false, cur, cur);
        }
        List<Member> voters = new ArrayList<>();
        List<Member> learners = new ArrayList<>();
        for (Member m : list.members()) {
            (m.learner() ? learners : voters).add(m);
        }
        MemberView shape = new MemberView(voters, learners, Optional.empty(), list.revision(),
                Math.max(stamp, cur.stamp()), java.util.Set.of());

        Optional<String> listLeader = list.leaderId().filter(id -> shape.voter(id).isPresent());
        Optional<String> kept = cur.leaderId().filter(id -> shape.voter(id).isPresent());
        Optional<String> leader;
        if (listLeader.isPresent() && (stamp > leaderStamp || kept.isEmpty())) {
            leader = listLeader;
            leaderStamp = Math.max(leaderStamp, stamp);
        } else {
            leader = kept;
        }
        // A suspicion raised after this list was fetched is newer than the list: keep it.
        suspects.entrySet().removeIf(en -> en.getValue() < stamp || !shape.voterEndpoints().contains(en.getKey()));
        MemberView next = new MemberView(voters, learners, leader, list.revision(), shape.stamp(), suspects.keySet());
        view = next;
        return new Result(true, cur, next);
    }

    /**
     * A server said {@code id} leads. Taken if {@code id} is a voter of the current view.
     *
     * @return false if the id is unknown (the list is probably stale: sync)
     */
    public synchronized boolean noteLeader(String id) {
        MemberView cur = view;
        if (cur.voter(id).isEmpty()) {
            return false;
        }
        leaderStamp = nextStamp();
        if (!cur.leaderId().equals(Optional.of(id))) {
            view = cur.withLeader(Optional.of(id));
        }
        return true;
    }

    /** Forgets the leader (it stopped answering, or it said it is not the leader without a hint). */
    public synchronized void forgetLeader(String id) {
        MemberView cur = view;
        if (cur.leaderId().equals(Optional.of(id))) {
            leaderStamp = nextStamp();
            view = cur.withLeader(Optional.empty());
        }
    }

    /** A voter endpoint answered UNSUPPORTED_ON_LEARNER: skip it until a newer list says it votes. */
    public synchronized void suspectLearner(Endpoint e) {
        MemberView cur = view;
        if (!cur.isVoterEndpoint(e)) {
            return;
        }
        suspects.put(e, nextStamp());
        MemberView next = cur.withSuspects(suspects.keySet());
        // A suspected leader endpoint is no longer the leader's route.
        if (cur.leaderId().isPresent() && next.leaderEndpoints().isEmpty()) {
            next = next.withLeader(Optional.empty());
        }
        view = next;
    }
}
