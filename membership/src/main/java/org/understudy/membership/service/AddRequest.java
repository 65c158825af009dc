package org.understudy.membership.service;

import java.util.List;
import java.util.Objects;
import org.understudy.membership.spi.MembershipRequest;

/**
 * Adds a member (DESIGN.md §4 rule 3): a learner unless {@link #asVoter()} says otherwise.
 *
 * @param name a unique human name
 * @param peerUrls where peers reach its Raft transport (at least one)
 * @param clientUrls where clients reach it (may be empty)
 * @param learner {@code true} (the default) adds a learner, which never changes the quorum;
 *     {@code false} adds a voter directly, which grows the quorum at once
 * @param standby keep it as a standby for failover (learners only)
 * @param autoPromote let the leader promote it once it stays caught up (learners only)
 * @param expectedConfIndex the configuration index the caller expects (compare-and-set), or 0 for any
 */
public record AddRequest(String name, List<String> peerUrls, List<String> clientUrls, boolean learner,
        boolean standby, boolean autoPromote, long expectedConfIndex) implements MembershipRequest<AddResult> {

    public AddRequest {
        Objects.requireNonNull(name, "name");
        peerUrls = List.copyOf(Objects.requireNonNull(peerUrls, "peerUrls"));
        clientUrls = List.copyOf(Objects.requireNonNull(clientUrls, "clientUrls"));
    }

    /** A learner with no client URLs, no standby, no auto-promotion, any configuration index. */
    public static AddRequest learner(String name, List<String> peerUrls) {
        return new AddRequest(name, peerUrls, List.of(), true, false, false, 0);
    }

    /** The same request, adding a voter directly (the quorum grows at once: see {@link AddResult#quorumGrows()}). */
    public AddRequest asVoter() {
        return new AddRequest(name, peerUrls, clientUrls, false, false, false, expectedConfIndex);
    }

    public AddRequest withClientUrls(List<String> urls) {
        return new AddRequest(name, peerUrls, urls, learner, standby, autoPromote, expectedConfIndex);
    }

    public AddRequest withStandby(boolean v) {
        return new AddRequest(name, peerUrls, clientUrls, learner, v, autoPromote, expectedConfIndex);
    }

    public AddRequest withAutoPromote(boolean v) {
        return new AddRequest(name, peerUrls, clientUrls, learner, standby, v, expectedConfIndex);
    }

    public AddRequest expectingConfIndex(long index) {
        return new AddRequest(name, peerUrls, clientUrls, learner, standby, autoPromote, index);
    }

    @Override
    public String describe() {
        return "add " + (learner ? "learner" : "voter") + " '" + name + "' " + peerUrls;
    }
}
