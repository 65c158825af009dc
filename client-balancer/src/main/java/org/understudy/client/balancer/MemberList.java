package org.understudy.client.balancer;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code MemberSource} fetched: the members (voters and learners, with the learner
 * flag), the leader's id if the answering node knew one, and the revision of the
 * configuration the list describes.
 *
 * <p>The revision is what keeps an old list from replacing a newer one: give the index of
 * the last applied configuration change (or any number that grows with every membership
 * change). A source that cannot know it passes {@link #UNKNOWN_REVISION}; the balancer then
 * orders lists by when their fetch started, which cannot detect a lagging node's answer.
 */
public record MemberList(List<Member> members, Optional<String> leaderId, long revision) {

    /** The revision of a list whose source does not know its configuration index. */
    public static final long UNKNOWN_REVISION = -1;

    public MemberList {
        members = List.copyOf(Objects.requireNonNull(members, "members"));
        leaderId = Objects.requireNonNull(leaderId, "leaderId");
        if (revision < UNKNOWN_REVISION) {
            throw new IllegalArgumentException("revision must be >= -1 (unknown), was " + revision);
        }
        Set<String> ids = new HashSet<>();
        for (Member m : members) {
            if (!ids.add(m.id())) {
                throw new IllegalArgumentException("member id " + m.id() + " appears twice in the list");
            }
        }
    }

    public static MemberList of(long revision, String leaderId, Member... members) {
        return new MemberList(List.of(members), Optional.ofNullable(leaderId), revision);
    }
}
