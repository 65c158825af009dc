package org.understudy.membership.spi;

import org.understudy.raft.NodeIdFormat;

/**
 * A membership request that a node may send to the leader through a {@link LeaderForwarder}
 * (add, promote, remove, replace). The membership service's request types implement it.
 *
 * @param <T> what the leader answers
 */
public interface MembershipRequest<T> {

    /** A short description for errors and logs, e.g. {@code "promote 4"}. */
    default String describe() {
        return toString();
    }

    /** {@link #describe()} with member ids written by {@code ids}; by default ids have no part in it. */
    default String describe(NodeIdFormat ids) {
        return describe();
    }
}
