package org.understudy.raft.core.confchange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.core.tracker.TrackerConfig;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;

/**
 * Computes the configuration that follows a membership change, with joint consensus (Raft thesis
 * §4.3) for changes that touch more than one voter.
 *
 * <p>Three kinds of transition:
 * <ul>
 *   <li>{@link #simple}: at most one voter changes (any number of learner changes that leave the
 *       voters alone). Any majority of the old voters then overlaps any majority of the new, so
 *       the change is safe in one step.</li>
 *   <li>{@link #enterJoint}: the current voters become the outgoing half, the changes are applied
 *       to the incoming half, and until the joint configuration is left every decision needs a
 *       majority of both.</li>
 *   <li>{@link #leaveJoint}: the outgoing half is dropped, nodes staged in learnersNext become
 *       learners, and nodes in no set any more lose their Progress.</li>
 * </ul>
 *
 * <p>A changer reads the tracker it was given and never changes it: every result is a new
 * configuration with new (copied) Progress objects, to be installed with
 * {@link ProgressTracker#reset}. The input and every result are checked against the
 * configuration invariants; on any error nothing is returned and {@link ConfChangeException} says
 * why. Changes naming node 0 are ignored (0 means "no node": an application may blank a change it
 * decided not to apply).
 */
public final class ConfChanger {

    /** A new configuration and the progress of exactly its members, sorted by id. */
    public record Result(TrackerConfig config, SortedMap<Long, Progress> progress) {
        public Result {
            Objects.requireNonNull(config, "config");
            progress = Collections.unmodifiableSortedMap(new TreeMap<>(progress));
        }
    }

    private final ProgressTracker tracker;
    private final long lastIndex;

    /**
     * @param tracker the current configuration and progress (read, never changed)
     * @param lastIndex the leader's last log index: new members are probed from there
     */
    public ConfChanger(ProgressTracker tracker, long lastIndex) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.lastIndex = lastIndex;
    }

    /**
     * Enters a joint configuration: the current voters become the outgoing half and the changes
     * apply to the incoming half.
     *
     * @param autoLeave whether the leader should leave the joint configuration by itself once it
     *     is committed
     * @throws ConfChangeException if already joint, if there are no voters to make joint, if the
     *     changes would remove every incoming voter, or if the result breaks an invariant
     */
    public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) throws ConfChangeException {
        WorkingConfig w = checkedCopy();
        if (tracker.config().isJoint()) {
            throw new ConfChangeException("configuration is already joint; leave it before entering another ["
                    + tracker.config() + "]");
        }
        if (w.incoming.isEmpty()) {
            // An empty configuration may grow by simple changes (bootstrap), but can't be made joint.
            throw new ConfChangeException("can't enter a joint configuration from one with no voters");
        }
        w.outgoing.clear();
        w.outgoing.addAll(w.incoming);
        applyAll(w, changes);
        w.autoLeave = autoLeave;
        return checkedResult(w);
    }

    /**
     * Leaves the joint configuration: learnersNext become learners, the outgoing half is dropped,
     * and nodes that are members no more lose their Progress.
     *
     * @throws ConfChangeException if the configuration is not joint
     */
    public Result leaveJoint() throws ConfChangeException {
        WorkingConfig w = checkedCopy();
        if (!tracker.config().isJoint()) {
            throw new ConfChangeException("can't leave a configuration that is not joint [" + tracker.config() + "]");
        }
        for (Long id : w.learnersNext) {
            w.learners.add(id);
            w.progress.get(id).setLearner(true);
        }
        w.learnersNext.clear();
        for (Long id : w.outgoing) {
            if (!w.incoming.contains(id) && !w.learners.contains(id)) {
                w.progress.remove(id);
            }
        }
        w.outgoing.clear();
        w.autoLeave = false;
        return checkedResult(w);
    }

    /**
     * Applies changes directly, without a joint configuration.
     *
     * @throws ConfChangeException if the configuration is joint, if more than one voter would be
     *     added or removed (that needs joint consensus), if no voter would remain, or if the result
     *     breaks an invariant
     */
    public Result simple(List<ConfChangeSingle> changes) throws ConfChangeException {
        WorkingConfig w = checkedCopy();
        if (tracker.config().isJoint()) {
            throw new ConfChangeException("can't apply a simple change to a joint configuration; leave it first ["
                    + tracker.config() + "]");
        }
        applyAll(w, changes);
        SortedSet<Long> before = tracker.config().voters().incoming().asSet();
        TreeSet<Long> changed = new TreeSet<>();
        for (Long id : before) {
            if (!w.incoming.contains(id)) {
                changed.add(id);
            }
        }
        for (Long id : w.incoming) {
            if (!before.contains(id)) {
                changed.add(id);
            }
        }
        if (changed.size() > 1) {
            throw new ConfChangeException("more than one voter changed " + changed
                    + " in the simple change " + describe(changes) + "; use joint consensus [" + tracker.config() + "]");
        }
        return checkedResult(w);
    }

    /**
     * Rebuilds the configuration a ConfState describes, e.g. from a snapshot or on restart: the
     * outgoing voters are added one by one as if they formed the current configuration, then a
     * joint configuration is entered with the incoming voters, learners and learnersNext (or, when
     * not joint, everything is added by simple changes).
     *
     * @param lastIndex the last log index (new Progress entries probe from there)
     * @throws ConfChangeException if the ConfState is not a valid configuration (e.g. a learner
     *     that is also a voter, learnersNext outside a joint configuration, node 0, learners
     *     without voters)
     */
    public static Result restore(ConfState cs, int maxInflight, long maxInflightBytes, long lastIndex)
            throws ConfChangeException {
        ProgressTracker tracker = new ProgressTracker(maxInflight, maxInflightBytes);
        List<ConfChangeSingle> outgoing = new ArrayList<>();
        List<ConfChangeSingle> incoming = new ArrayList<>();
        for (long id : cs.getVotersOutgoingList()) {
            outgoing.add(single(ConfChangeType.CONF_CHANGE_ADD_VOTER, id));
            incoming.add(single(ConfChangeType.CONF_CHANGE_REMOVE_NODE, id));
        }
        for (long id : cs.getVotersList()) {
            incoming.add(single(ConfChangeType.CONF_CHANGE_ADD_VOTER, id));
        }
        for (long id : cs.getLearnersList()) {
            incoming.add(single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, id));
        }
        for (long id : cs.getLearnersNextList()) {
            incoming.add(single(ConfChangeType.CONF_CHANGE_ADD_LEARNER, id));
        }
        Result result;
        try {
            result = replay(tracker, lastIndex, cs.getAutoLeave(), outgoing, incoming);
        } catch (ConfChangeException e) {
            throw new ConfChangeException("ConfState {" + describe(cs) + "} is not a valid configuration: "
                    + e.getMessage());
        }
        // Inputs that are no valid configuration (overlapping sets, node 0, learnersNext without
        // a joint configuration) restore to something else: refuse them rather than guess.
        ConfState restored = result.config().toConfState();
        if (!sameSets(restored, cs)) {
            throw new ConfChangeException("ConfState {" + describe(cs) + "} is not a valid configuration: it"
                    + " would restore as {" + describe(restored) + "}");
        }
        return result;
    }

    private static Result replay(ProgressTracker tracker, long lastIndex, boolean autoLeave,
            List<ConfChangeSingle> outgoing, List<ConfChangeSingle> incoming) throws ConfChangeException {
        Result result = new Result(TrackerConfig.EMPTY, new TreeMap<>());
        if (outgoing.isEmpty()) {
            for (ConfChangeSingle cc : incoming) {
                result = new ConfChanger(tracker, lastIndex).simple(List.of(cc));
                tracker.reset(result.config(), result.progress());
            }
        } else {
            // E.g. for (1 2 3)&&(2 3 4): first establish (2 3 4), then enter the joint
            // configuration whose incoming changes remove 2 3 4 and add 1 2 3.
            for (ConfChangeSingle cc : outgoing) {
                result = new ConfChanger(tracker, lastIndex).simple(List.of(cc));
                tracker.reset(result.config(), result.progress());
            }
            result = new ConfChanger(tracker, lastIndex).enterJoint(autoLeave, incoming);
        }
        return result;
    }

    /**
     * Computes the configuration after a ConfChange: no changes leave the joint configuration; a
     * single change with the AUTO transition is applied directly; anything else enters a joint
     * configuration, left automatically unless the transition is JOINT_EXPLICIT.
     */
    public static Result apply(ProgressTracker tracker, long lastIndex, ConfChange cc) throws ConfChangeException {
        ConfChanger changer = new ConfChanger(tracker, lastIndex);
        if (leavesJoint(cc)) {
            return changer.leaveJoint();
        }
        if (isSimple(cc)) {
            return changer.simple(cc.getChangesList());
        }
        boolean autoLeave = cc.getTransition() != ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT;
        return changer.enterJoint(autoLeave, cc.getChangesList());
    }

    /** @return whether the ConfChange leaves a joint configuration: it has no changes */
    /**
     * The configuration that results from applying {@code cc} to {@code current}: what every node
     * computes when it applies that committed change. The runtime's apply thread uses it to know
     * the exact configuration at each applied index (for snapshots and listeners).
     */
    public static ConfState next(ConfState current, ConfChange cc) throws ConfChangeException {
        Result restored = restore(current, 1, 0, 1);
        ProgressTracker tracker = new ProgressTracker(1, 0);
        tracker.reset(restored.config(), restored.progress());
        return apply(tracker, 1, cc).config().toConfState();
    }

    public static boolean leavesJoint(ConfChange cc) {
        return cc.getChangesCount() == 0;
    }

    /**
     * @return whether {@link #apply} takes the ConfChange as a simple change: transition AUTO and
     *     exactly one change (which touches at most one voter). Several changes in one ConfChange
     *     always go through a joint configuration, even when only learners change: whether a
     *     learner change demotes a voter depends on the configuration it applies to, and joint
     *     consensus is safe for all of them.
     */
    public static boolean isSimple(ConfChange cc) {
        return cc.getTransition() == ConfChangeTransition.CONF_CHANGE_TRANSITION_AUTO && cc.getChangesCount() == 1;
    }

    private WorkingConfig checkedCopy() throws ConfChangeException {
        TrackerConfig cfg = tracker.config();
        Invariants.check(cfg, tracker.progress());
        return new WorkingConfig(cfg, tracker.progress(), tracker.maxInflight(), tracker.maxInflightBytes(), lastIndex);
    }

    private static void applyAll(WorkingConfig w, List<ConfChangeSingle> changes) throws ConfChangeException {
        for (ConfChangeSingle cc : changes) {
            long id = cc.getNodeId();
            if (id == 0) {
                continue;
            }
            switch (cc.getType()) {
                case CONF_CHANGE_ADD_VOTER -> w.makeVoter(id);
                case CONF_CHANGE_ADD_LEARNER -> w.makeLearner(id);
                case CONF_CHANGE_REMOVE_NODE -> w.remove(id);
                default -> throw new ConfChangeException(
                        "unknown conf change type " + cc.getTypeValue() + " for node " + id);
            }
        }
        if (w.incoming.isEmpty()) {
            throw new ConfChangeException("no voter would be left after " + describe(changes));
        }
    }

    private static Result checkedResult(WorkingConfig w) throws ConfChangeException {
        TrackerConfig cfg = w.toConfig();
        Invariants.check(cfg, w.progress);
        return new Result(cfg, w.progress);
    }

    private static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    private static boolean sameSets(ConfState a, ConfState b) {
        return new TreeSet<>(a.getVotersList()).equals(new TreeSet<>(b.getVotersList()))
                && new TreeSet<>(a.getVotersOutgoingList()).equals(new TreeSet<>(b.getVotersOutgoingList()))
                && new TreeSet<>(a.getLearnersList()).equals(new TreeSet<>(b.getLearnersList()))
                && new TreeSet<>(a.getLearnersNextList()).equals(new TreeSet<>(b.getLearnersNextList()))
                && a.getAutoLeave() == b.getAutoLeave();
    }

    private static String describe(ConfState cs) {
        return "voters=" + cs.getVotersList() + " outgoing=" + cs.getVotersOutgoingList()
                + " learners=" + cs.getLearnersList() + " learnersNext=" + cs.getLearnersNextList()
                + " autoLeave=" + cs.getAutoLeave();
    }

    private static String describe(List<ConfChangeSingle> changes) {
        StringBuilder sb = new StringBuilder("[");
        for (ConfChangeSingle cc : changes) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            String type = switch (cc.getType()) {
                case CONF_CHANGE_ADD_VOTER -> "add-voter";
                case CONF_CHANGE_ADD_LEARNER -> "add-learner";
                case CONF_CHANGE_REMOVE_NODE -> "remove";
                default -> "type" + cc.getTypeValue();
            };
            sb.append(type).append(' ').append(cc.getNodeId());
        }
        return sb.append(']').toString();
    }
}
