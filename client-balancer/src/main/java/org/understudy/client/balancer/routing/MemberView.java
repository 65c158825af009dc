package org.understudy.client.balancer.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.Member;

/**
 * The member list the balancer routes by: immutable, replaced as a whole.
 *
 * <p>Voters and learners are kept apart. Only {@link #voterEndpoints()} are routed to
 * (DESIGN.md §4 rule 9); {@link #learnerEndpoints()} serve only serializable reads that allow a
 * learner. An endpoint listed for both a voter and a learner counts as a learner's (the safe
 * side), and a voter endpoint that answered {@code UNSUPPORTED_ON_LEARNER} since this list was
 * fetched is a {@link #suspectedLearners() suspected learner}, skipped until a newer list says
 * otherwise.
 *
 * <p>{@link #revision()} is the configuration revision of the list (-1 if unknown);
 * {@link #stamp()} is the balancer's sequence number of the information the view holds (a
 * fetch's start, an explicit update), which orders views when revisions are unknown.
 */
public final class MemberView {

    /** Before anything is known. */
    public static final MemberView EMPTY = new MemberView(List.of(), List.of(), Optional.empty(), -1, 0, Set.of());

    private final List<Member> voters;
    private final List<Member> learners;
    private final Optional<String> leaderId;
    private final long revision;
    private final long stamp;
    private final Set<Endpoint> suspectedLearners;
    private final List<Endpoint> voterEndpoints;
    private final List<Endpoint> learnerEndpoints;
    private final List<Endpoint> leaderEndpoints;
    private final Map<Endpoint, Member> byEndpoint;

    public MemberView(List<Member> voters, List<Member> learners, Optional<String> leaderId, long revision,
                      long stamp, Set<Endpoint> suspectedLearners) {
        Comparator<Member> byId = Comparator.comparing(Member::id);
        this.voters = voters.stream().sorted(byId).toList();
        this.learners = learners.stream().sorted(byId).toList();
        this.leaderId = leaderId;
        this.revision = revision;
        this.stamp = stamp;
        this.suspectedLearners = Set.copyOf(suspectedLearners);

        Map<Endpoint, Member> owners = new HashMap<>();
        Set<Endpoint> learnerEps = new TreeSet<>();
        for (Member m : this.learners) {
            for (Endpoint e : m.clientEndpoints()) {
                owners.put(e, m);
                learnerEps.add(e);
            }
        }
        Set<Endpoint> voterEps = new TreeSet<>();
        for (Member m : this.voters) {
            for (Endpoint e : m.clientEndpoints()) {
                if (learnerEps.contains(e)) {
                    continue;
                }
                owners.putIfAbsent(e, m);
                if (this.suspectedLearners.contains(e)) {
                    learnerEps.add(e);
                } else {
                    voterEps.add(e);
                }
            }
        }
        this.voterEndpoints = List.copyOf(voterEps);
        this.learnerEndpoints = List.copyOf(learnerEps);
        this.byEndpoint = Map.copyOf(owners);
        List<Endpoint> leaderEps = new ArrayList<>();
        leaderId.flatMap(this::voter).ifPresent(m -> m.clientEndpoints().stream()
                .filter(voterEps::contains).forEach(leaderEps::add));
        this.leaderEndpoints = List.copyOf(leaderEps);
    }

    public List<Member> voters() {
        return voters;
    }

    /** Learners, kept only for serializable reads that allow a learner. */
    public List<Member> learners() {
        return learners;
    }

    /** The leader's id, always a voter of this view, if known. */
    public Optional<String> leaderId() {
        return leaderId;
    }

    public long revision() {
        return revision;
    }

    public long stamp() {
        return stamp;
    }

    public Set<Endpoint> suspectedLearners() {
        return suspectedLearners;
    }

    /** The endpoints requests may go to: voters', minus any also listed for a learner or suspected. Sorted. */
    public List<Endpoint> voterEndpoints() {
        return voterEndpoints;
    }

    /** Learners' endpoints and suspected learners'. Sorted. */
    public List<Endpoint> learnerEndpoints() {
        return learnerEndpoints;
    }

    /** The leader's routable endpoints (empty when no leader is known). */
    public List<Endpoint> leaderEndpoints() {
        return leaderEndpoints;
    }

    public boolean isVoterEndpoint(Endpoint e) {
        return voterEndpoints.contains(e);
    }

    public Optional<Member> memberAt(Endpoint e) {
        return Optional.ofNullable(byEndpoint.get(e));
    }

    public Optional<Member> voter(String id) {
        return voters.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Every endpoint of this view, voters' and learners'. */
    public Set<Endpoint> allEndpoints() {
        Set<Endpoint> all = new LinkedHashSet<>(voterEndpoints);
        all.addAll(learnerEndpoints);
        return all;
    }

    MemberView withLeader(Optional<String> leader) {
        return new MemberView(voters, learners, leader, revision, stamp, suspectedLearners);
    }

    MemberView withSuspects(Set<Endpoint> suspects) {
        return new MemberView(voters, learners, leaderId, revision, stamp, suspects);
    }

    @Override
    public String toString() {
        return "MemberView(revision=" + revision + ", leader=" + leaderId.orElse("?") + ", voters="
                + voters.stream().map(Member::id).toList() + ", learners=" + learners.stream().map(Member::id).toList()
                + (suspectedLearners.isEmpty() ? "" : ", suspected learners=" + suspectedLearners) + ")";
    }
}
