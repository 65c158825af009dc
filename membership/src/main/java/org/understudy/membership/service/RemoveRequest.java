package org.understudy.membership.service;

import org.understudy.membership.registry.MemberRegistry;
import org.understudy.membership.spi.MembershipRequest;

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
        return "remove " + Long.toUnsignedString(memberId);
    }
}
