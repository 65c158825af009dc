package org.understudy.raft.core.confchange;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.understudy.raft.core.quorum.JointConfig;
import org.understudy.raft.core.quorum.MajorityConfig;
import org.understudy.raft.core.tracker.Inflights;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.TrackerConfig;

/**
 * A mutable copy of a configuration and its progress map that {@link ConfChanger} edits one
 * single change at a time, then freezes into a new {@link TrackerConfig}. The Progress objects
 * are copies, so the tracker it was made from is never touched.
 */
final class WorkingConfig {

    final TreeSet<Long> incoming;
    final TreeSet<Long> outgoing;
    final TreeSet<Long> learners;
    final TreeSet<Long> learnersNext;
    boolean autoLeave;
    final TreeMap<Long, Progress> progress = new TreeMap<>();

    private final int maxInflight;
    private final long maxInflightBytes;
    private final long lastIndex;

    WorkingConfig(TrackerConfig cfg, Map<Long, Progress> from, int maxInflight, long maxInflightBytes, long lastIndex) {
        this.incoming = new TreeSet<>(cfg.voters().incoming().asSet());
        this.outgoing = new TreeSet<>(cfg.voters().outgoing().asSet());
        this.learners = new TreeSet<>(cfg.learners());
        this.learnersNext = new TreeSet<>(cfg.learnersNext());
        this.autoLeave = cfg.autoLeave();
        for (Map.Entry<Long, Progress> e : from.entrySet()) {
            progress.put(e.getKey(), e.getValue().copy());
        }
        this.maxInflight = maxInflight;
        this.maxInflightBytes = maxInflightBytes;
        this.lastIndex = lastIndex;
    }

    /** Adds a voter to the incoming half, or promotes a learner (or a learner-next) to one. */
    void makeVoter(long id) {
        Progress pr = progress.get(id);
        if (pr == null) {
            addNew(id, false);
            return;
        }
        pr.setLearner(false);
        learners.remove(id);
        learnersNext.remove(id);
        incoming.add(id);
    }

    /**
     * Adds a learner, or demotes a voter. A voter of the outgoing half can't be a learner yet (it
     * still votes there), so it is staged in learnersNext until the joint configuration is left.
     */
    void makeLearner(long id) {
        Progress pr = progress.get(id);
        if (pr == null) {
            addNew(id, true);
            return;
        }
        if (pr.isLearner()) {
            return;
        }
        remove(id);
        // The node stays a member: keep its Progress, so replication to it goes on undisturbed.
        progress.put(id, pr);
        if (outgoing.contains(id)) {
            learnersNext.add(id);
        } else {
            pr.setLearner(true);
            learners.add(id);
        }
    }

    /** Removes a node from the incoming half and the learners; an outgoing voter keeps its Progress. */
    void remove(long id) {
        if (!progress.containsKey(id)) {
            return;
        }
        incoming.remove(id);
        learners.remove(id);
        learnersNext.remove(id);
        if (!outgoing.contains(id)) {
            progress.remove(id);
        }
    }

    private void addNew(long id, boolean learner) {
        if (learner) {
            learners.add(id);
        } else {
            incoming.add(id);
        }
        // Probing from the last index assumes the new node holds about what the leader holds;
        // if it is empty the probe is rejected and moves back, or a snapshot is sent.
        Progress pr = new Progress(Math.max(lastIndex, 1), new Inflights(maxInflight, maxInflightBytes), learner);
        // A node just added counts as active, so CheckQuorum does not make the leader step down
        // before the newcomer has had a chance to answer.
        pr.setRecentActive(true);
        progress.put(id, pr);
    }

    TrackerConfig toConfig() {
        return new TrackerConfig(
                JointConfig.of(MajorityConfig.of(incoming), MajorityConfig.of(outgoing)),
                learners,
                learnersNext,
                autoLeave);
    }
}
