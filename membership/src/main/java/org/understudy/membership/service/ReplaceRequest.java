package org.understudy.membership.service;

import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.spi.MembershipRequest;
import org.understudy.raft.NodeIdFormat;

/**
 * Promotes learner {@code learnerId} and removes voter {@code voterId} in one joint-consensus
 * change (Raft thesis §4.3), so the number of voters never drops during a replacement: the safe
 * form of the seed's "remove first, then add".
 *
 * @param expectedConfIndex the configuration index the caller expects (compare-and-set), or 0 for any
 */
public record ReplaceRequest(long voterId, long learnerId, long expectedConfIndex)
        implements MembershipRequest<MemberRegistry> {

    public static ReplaceRequest of(long voterId, long learnerId) {
        return new ReplaceRequest(voterId, learnerId, 0);
    }

    @Override
    public String describe() {
        return describe(NodeIdFormat.DECIMAL);
    }

    @Override
    public String describe(NodeIdFormat ids) {
        return "replace voter " + ids.format(voterId) + " by learner " + ids.format(learnerId);
    }
}
