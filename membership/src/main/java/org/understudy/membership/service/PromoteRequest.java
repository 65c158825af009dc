package org.understudy.membership.service;

import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.spi.MembershipRequest;
import org.understudy.raft.NodeIdFormat;

/**
 * Promotes learner {@code memberId} to voter, if the leader finds it ready (DESIGN.md §4 rule 5).
 *
 * @param expectedConfIndex the configuration index the caller expects (compare-and-set), or 0 for any
 */
public record PromoteRequest(long memberId, long expectedConfIndex) implements MembershipRequest<MemberRegistry> {

    public static PromoteRequest of(long memberId) {
        return new PromoteRequest(memberId, 0);
    }

    @Override
    public String describe() {
        return describe(NodeIdFormat.DECIMAL);
    }

    @Override
    public String describe(NodeIdFormat ids) {
        return "promote " + ids.format(memberId);
    }
}
