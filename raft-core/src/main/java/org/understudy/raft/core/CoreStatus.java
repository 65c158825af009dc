package org.understudy.raft.core;

import java.util.Map;
import org.understudy.raft.proto.ConfState;

/**
 * A consistent snapshot of a core's state. {@code progress} is filled only on the leader.
 *
 * @param learner whether this node is a learner in its current configuration
 * @param leadTransferee the node leadership is being transferred to, or 0
 */
public record CoreStatus(
        long id,
        long term,
        long vote,
        long leaderId,
        Role role,
        boolean learner,
        long commitIndex,
        long appliedIndex,
        long lastIndex,
        ConfState confState,
        Map<Long, PeerProgress> progress,
        long leadTransferee) {}
