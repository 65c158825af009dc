package org.understudy.raft.core.tracker;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import org.understudy.raft.core.quorum.JointConfig;
import org.understudy.raft.proto.ConfState;

/**
 * A cluster configuration as the leader tracks it: who votes, who learns.
 *
 * <p>Valid configurations (which {@code ConfChanger} produces and checks) keep these invariants:
 * no learner is a voter in either half; {@code learnersNext} is a subset of the outgoing voters;
 * outside a joint configuration {@code learnersNext} is empty and {@code autoLeave} is false.
 *
 * <p>{@code learnersNext} exists for demotion during joint consensus (thesis §4.3): a voter of
 * C_old that is to be a learner in C_new is still needed as a voter of the outgoing half, and a
 * node can't be both, so it waits here until the joint configuration is left.
 *
 * <p>Immutable: the sets are copied into unmodifiable sorted sets (null is taken as empty).
 *
 * @param voters the voters, one majority set or two while joint
 * @param learners nodes that receive the log but never vote
 * @param learnersNext outgoing voters that become learners when the joint configuration is left
 * @param autoLeave whether the leader leaves the joint configuration by itself once it commits
 */
public record TrackerConfig(
        JointConfig voters, SortedSet<Long> learners, SortedSet<Long> learnersNext, boolean autoLeave) {

    /** No voters, no learners. */
    public static final TrackerConfig EMPTY =
            new TrackerConfig(JointConfig.EMPTY, Collections.emptySortedSet(), Collections.emptySortedSet(), false);

    public TrackerConfig {
        voters = voters == null ? JointConfig.EMPTY : voters;
        learners = immutableCopy(learners);
        learnersNext = immutableCopy(learnersNext);
    }

    private static SortedSet<Long> immutableCopy(SortedSet<Long> ids) {
        if (ids == null || ids.isEmpty()) {
            return Collections.emptySortedSet();
        }
        // A fresh TreeSet with natural order, whatever comparator the argument used.
        TreeSet<Long> copy = new TreeSet<>();
        copy.addAll(ids);
        return Collections.unmodifiableSortedSet(copy);
    }

    /** @return whether a joint configuration (thesis §4.3) is in effect */
    public boolean isJoint() {
        return voters.isJoint();
    }

    /** @return this configuration in its wire and storage form, every list sorted ascending */
    public ConfState toConfState() {
        ConfState.Builder b = ConfState.newBuilder();
        for (long id : voters.incoming().ids()) {
            b.addVoters(id);
        }
        for (long id : voters.outgoing().ids()) {
            b.addVotersOutgoing(id);
        }
        b.addAllLearners(learners);
        b.addAllLearnersNext(learnersNext);
        return b.setAutoLeave(autoLeave).build();
    }

    /** @return e.g. {@code voters=(1 2 3)&&(1 2) learners=(4) next=(3) autoLeave}; empty parts are left out */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("voters=").append(voters);
        if (!learners.isEmpty()) {
            sb.append(" learners=").append(format(learners));
        }
        if (!learnersNext.isEmpty()) {
            sb.append(" next=").append(format(learnersNext));
        }
        if (autoLeave) {
            sb.append(" autoLeave");
        }
        return sb.toString();
    }

    private static String format(SortedSet<Long> ids) {
        StringBuilder sb = new StringBuilder("(");
        for (Long id : ids) {
            if (sb.length() > 1) {
                sb.append(' ');
            }
            sb.append(id);
        }
        return sb.append(')').toString();
    }
}
