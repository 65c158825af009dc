package org.understudy.membership.registry;


import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.understudy.raft.proto.ConfState;

/**
 * A Raft {@link ConfState} read as sets, so that the policies can ask "is this id a learner?"
 * without scanning repeated fields each time. Immutable; sets iterate in ascending id order so that
 * every decision built on them is deterministic.
 *
 * @param voters the incoming (or only) voter set
 * @param outgoing the outgoing voter set; empty unless the configuration is joint
 * @param learners the learners
 * @param learnersNext outgoing voters that become learners when the joint configuration is left
 */
public record ConfView(Set<Long> voters, Set<Long> outgoing, Set<Long> learners, Set<Long> learnersNext) {

    public ConfView {
        voters = sorted(voters);
        outgoing = sorted(outgoing);
        learners = sorted(learners);
        learnersNext = sorted(learnersNext);
    }

    public static ConfView of(ConfState cs) {
        return new ConfView(new TreeSet<>(cs.getVotersList()), new TreeSet<>(cs.getVotersOutgoingList()),
                new TreeSet<>(cs.getLearnersList()), new TreeSet<>(cs.getLearnersNextList()));
    }

    /** Whether the configuration is joint (thesis §4.3): a change then needs both halves' majorities. */
    public boolean joint() {
        return !outgoing.isEmpty();
    }

    /** Every id the configuration knows, ascending. */
    public Set<Long> members() {
        Set<Long> all = new TreeSet<>(voters);
        all.addAll(outgoing);
        all.addAll(learners);
        all.addAll(learnersNext);
        return Collections.unmodifiableSet(all);
    }

    public boolean contains(long id) {
        return voters.contains(id) || outgoing.contains(id) || learners.contains(id) || learnersNext.contains(id);
    }

    /** The member's role, {@link MemberRole#NONE} when the configuration does not know it. */
    public MemberRole role(long id) {
        if (voters.contains(id)) {
            return MemberRole.VOTER;
        }
        if (learnersNext.contains(id)) {
            return MemberRole.LEARNER_NEXT;
        }
        if (outgoing.contains(id)) {
            return MemberRole.VOTER_OUTGOING;
        }
        if (learners.contains(id)) {
            return MemberRole.LEARNER;
        }
        return MemberRole.NONE;
    }

    private static Set<Long> sorted(Set<Long> ids) {
        return Collections.unmodifiableSet(new TreeSet<>(ids));
    }
}
