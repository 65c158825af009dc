package org.understudy.membership.spi;

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
}
