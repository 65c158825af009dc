package org.understudy.raft.core.confchange;

import java.util.Map;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.TrackerConfig;

/**
 * The rules every configuration and its progress map must keep; {@link ConfChanger} checks them
 * on its input and on every result, so a broken configuration is never installed.
 */
final class Invariants {

    private Invariants() {}

    static void check(TrackerConfig cfg, Map<Long, Progress> progress) throws ConfChangeException {
        // Every member has a Progress: the leader must be able to replicate to all of them.
        for (Long id : cfg.voters().ids()) {
            requireProgress(cfg, progress, id, "voter");
        }
        for (Long id : cfg.learners()) {
            requireProgress(cfg, progress, id, "learner");
        }
        for (Long id : cfg.learnersNext()) {
            requireProgress(cfg, progress, id, "learner-next");
        }
        // ... and nothing else has one, so no stale peer keeps receiving traffic.
        for (Long id : progress.keySet()) {
            if (!cfg.voters().contains(id) && !cfg.learners().contains(id) && !cfg.learnersNext().contains(id)) {
                throw fail(cfg, "node " + id + " has progress but is neither voter nor learner");
            }
        }
        // A learner-next waits only because it is still needed as an outgoing voter (§4.3).
        for (Long id : cfg.learnersNext()) {
            if (!cfg.voters().outgoing().contains(id)) {
                throw fail(cfg, "node " + id + " is in learnersNext but not an outgoing voter");
            }
        }
        // Learners and voters never intersect: a learner must count in no quorum.
        for (Long id : cfg.learners()) {
            if (cfg.voters().incoming().contains(id)) {
                throw fail(cfg, "node " + id + " is both a learner and an incoming voter");
            }
            if (cfg.voters().outgoing().contains(id)) {
                throw fail(cfg, "node " + id + " is both a learner and an outgoing voter");
            }
        }
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            boolean inLearners = cfg.learners().contains(e.getKey());
            if (e.getValue().isLearner() != inLearners) {
                throw fail(cfg, "node " + e.getKey() + (inLearners
                        ? " is in learners but its progress is not marked learner"
                        : " is not in learners but its progress is marked learner"));
            }
        }
        if (!cfg.isJoint()) {
            if (!cfg.learnersNext().isEmpty()) {
                throw fail(cfg, "learnersNext must be empty outside a joint configuration");
            }
            if (cfg.autoLeave()) {
                throw fail(cfg, "autoLeave must be false outside a joint configuration");
            }
        }
    }

    private static void requireProgress(TrackerConfig cfg, Map<Long, Progress> progress, long id, String role)
            throws ConfChangeException {
        if (!progress.containsKey(id)) {
            throw fail(cfg, role + " " + id + " has no progress");
        }
    }

    private static ConfChangeException fail(TrackerConfig cfg, String what) {
        return new ConfChangeException("invalid configuration: " + what + " [" + cfg + "]");
    }
}
