package org.understudy.raft.core;

import org.understudy.raft.core.tracker.ProgressState;

/**
 * What the leader knows of one peer's replication, for status views and membership decisions.
 *
 * @param lag how many entries the peer is behind the leader's last index
 * @param recentActive whether the leader heard from the peer within the last election timeout
 * @param pendingSnapshot the index of the snapshot being sent to it, or 0
 */
public record PeerProgress(
        long id,
        boolean learner,
        long match,
        long next,
        ProgressState state,
        boolean recentActive,
        long pendingSnapshot,
        long lag) {}
