package org.understudy.raft.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;

/**
 * Draws random membership changes that make sense for a configuration: add a learner (new id),
 * add a voter directly (rare), promote a learner, remove a member, demote a voter, or several of
 * these at once through a joint configuration; and the empty change that leaves an explicit joint
 * configuration. Never proposes a change that would leave no voter, and keeps the voters and learners
 * under the given limits (so the simulated cluster stays small and fast).
 */
public final class RandomConfChanges {

    /** A proposal and the ids it introduces (nodes the simulator must start). */
    public record Proposal(ConfChange change, List<Long> newIds) {}

    private final SplittableRandom random;
    private final LongSupplier newId;
    private final int maxVoters;
    private final int maxLearners;

    public RandomConfChanges(SplittableRandom random, LongSupplier newId, int maxVoters, int maxLearners) {
        this.random = random;
        this.newId = newId;
        this.maxVoters = maxVoters;
        this.maxLearners = maxLearners;
    }

    /** The empty change: leaves a joint configuration. */
    public static ConfChange leaveJoint() {
        return ConfChange.getDefaultInstance();
    }

    /** A change for the leader whose configuration is {@code conf}, or {@code null} when none fits. */
    public Proposal next(ConfState conf) {
        if (conf.getVotersOutgoingCount() > 0) {
            return conf.getAutoLeave() ? null : new Proposal(leaveJoint(), List.of());
        }
        List<ConfChangeSingle> singles = new ArrayList<>();
        List<Long> newIds = new ArrayList<>();
        Set<Long> touched = new LinkedHashSet<>();
        int count = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        for (int i = 0; i < count; i++) {
            ConfChangeSingle s = single(conf, touched, newIds);
            if (s != null) {
                singles.add(s);
                touched.add(s.getNodeId());
            }
        }
        if (singles.isEmpty() || !acceptable(conf, singles)) {
            return null;
        }
        ConfChangeTransition transition;
        int t = random.nextInt(10);
        if (singles.size() == 1 && t < 6) {
            transition = ConfChangeTransition.CONF_CHANGE_TRANSITION_AUTO;
        } else if (t < 9) {
            transition = ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT;
        } else {
            transition = ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT;
        }
        newIds.retainAll(touched);
        return new Proposal(ConfChange.newBuilder().setTransition(transition).addAllChanges(singles).build(), newIds);
    }

    private ConfChangeSingle single(ConfState conf, Set<Long> touched, List<Long> newIds) {
        List<Long> voters = new ArrayList<>(conf.getVotersList());
        List<Long> learners = new ArrayList<>(conf.getLearnersList());
        voters.removeAll(touched);
        learners.removeAll(touched);
        switch (random.nextInt(10)) {
            case 0, 1, 2: { // add a learner: the safe way in
                long id = newId.getAsLong();
                newIds.add(id);
                return single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, id);
            }
            case 3: { // add a voter directly: allowed, risky
                long id = newId.getAsLong();
                newIds.add(id);
                return single(ConfChangeType.CONF_CHANGE_ADD_VOTER, id);
            }
            case 4, 5: // promote
                return learners.isEmpty() ? null : single(ConfChangeType.CONF_CHANGE_ADD_VOTER, pick(learners));
            case 6, 7: { // remove
                List<Long> members = new ArrayList<>(voters);
                members.addAll(learners);
                return members.isEmpty() ? null : single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, pick(members));
            }
            default: // demote
                return voters.isEmpty() ? null : single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, pick(voters));
        }
    }

    private boolean acceptable(ConfState conf, List<ConfChangeSingle> singles) {
        Set<Long> voters = new LinkedHashSet<>(conf.getVotersList());
        Set<Long> learners = new LinkedHashSet<>(conf.getLearnersList());
        for (ConfChangeSingle s : singles) {
            long id = s.getNodeId();
            switch (s.getType()) {
                case CONF_CHANGE_ADD_VOTER -> {
                    learners.remove(id);
                    voters.add(id);
                }
                case CONF_CHANGE_ADD_LEARNER -> {
                    voters.remove(id);
                    learners.add(id);
                }
                default -> {
                    voters.remove(id);
                    learners.remove(id);
                }
            }
        }
        return !voters.isEmpty() && voters.size() <= maxVoters && learners.size() <= maxLearners;
    }

    private long pick(List<Long> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    private static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }
}
