package org.understudy.membership.service;

import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.spi.MembershipRequest;
import org.understudy.raft.NodeIdFormat;

/**
 * Removes member {@code memberId}. A learner is always removable; removing the leader hands
 * leadership to another voter first.
 *
 * @param expectedConfIndex the configuration index the caller expects (compare-and-set), or 0 for any
 */
public record RemoveRequest(long memberId, long expectedConfIndex) implements MembershipRequest<MemberRegistry> {

    public static RemoveRequest of(long memberId) {
        return new RemoveRequest(memberId, 0);
    }

    @Override
    public String describe() {
        return describe(NodeIdFormat.DECIMAL);
    }

    @Override
    public String describe(NodeIdFormat ids) {
        return "remove " + ids.format(memberId);
    }
}
