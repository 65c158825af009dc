package org.understudy.client.balancer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.understudy.client.balancer.routing.MemberView;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;

/**
 * A scripted cluster for tests: a model of members (voter or learner), a leader, and
 * endpoints that die and come back, behind both SPIs. It answers as raft-kv would (learners
 * refuse writes and linearizable reads, followers answer NOT_LEADER with a hint, the leader
 * applies writes, deduplicating by request id) and records every request each endpoint
 * received, with what the balancer believed at the moment it sent it.
 *
 * <p>Every membership change bumps the revision, and the membership of every revision is kept,
 * so a test can ask whether a member was a voter in the list the balancer routed by.
 */
final class FakeCluster implements MemberSource, ClientTransport {

    /** How a dead node fails. */
    enum Death {
        /** Connection refused: the request definitely did not arrive. */
        REFUSE,
        /** The process hangs: requests arrive and are never answered. */
        HANG
    }

    static final class Node {
        final String id;
        final Endpoint endpoint;
        boolean learner;
        boolean member = true;
        boolean alive = true;
        Death death = Death.REFUSE;
        /** The next writes this node applies lose their connection after applying (ambiguous). */
        int resetAfterApply;
        /** Answers member list fetches with the membership of this revision (a lagging node); -1: current. */
        long servesRevision = -1;
        /** The revision that removed it: a removed node that still runs answers fetches with what it last knew. */
        long removedAt = -1;

        Node(String id, Endpoint endpoint, boolean learner) {
            this.id = id;
            this.endpoint = endpoint;
            this.learner = learner;
        }
    }

    /** One request that reached a node's process. */
    record Received(long at, String nodeId, Endpoint endpoint, RequestKind kind, String tag, int attempt,
                    boolean modelLearner, boolean modelMember, boolean viewSaysVoter, long viewRevision) {
    }

    private final ManualScheduler scheduler;
    private final Random random;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<Endpoint, Node> byEndpoint = new HashMap<>();
    /** revision -> member id -> learner? (absent: not a member). */
    private final TreeMap<Long, Map<String, Boolean>> history = new TreeMap<>();
    private String leader;
    private long revision;
    private int nextAddress = 1;

    final List<Received> received = new ArrayList<>();
    final Map<String, Integer> applied = new HashMap<>();
    private final Set<String> seenRequestIds = new HashSet<>();
    int connectionAttempts;
    final Map<Endpoint, Integer> connects = new HashMap<>();
    int fetches;
    int probes;
    boolean probesEnabled = true;
    boolean reportRevision = true;
    boolean fetchFails;
    /** When false, followers answer linearizable reads with NOT_LEADER (a cluster without follower reads). */
    boolean followerReads = true;
    /** Extra delay of the next fetch's answer (a slow fetch), consumed once. */
    long nextFetchDelayMillis;
    Supplier<MemberView> balancerView = () -> MemberView.EMPTY;

    FakeCluster(ManualScheduler scheduler, Random random) {
        this.scheduler = scheduler;
        this.random = random;
    }

    /** A cluster of voters n1..nN led by n1. */
    static FakeCluster ofVoters(ManualScheduler scheduler, Random random, int voters) {
        FakeCluster c = new FakeCluster(scheduler, random);
        for (int i = 1; i <= voters; i++) {
            c.addVoter("n" + i);
        }
        c.leader("n1");
        return c;
    }

    // ---- the model ----

    FakeCluster addVoter(String id) {
        return add(id, false);
    }

    FakeCluster addLearner(String id) {
        return add(id, true);
    }

    private FakeCluster add(String id, boolean learner) {
        Node n = nodes.get(id);
        if (n == null) {
            n = new Node(id, Endpoint.of("10.0.0." + nextAddress++, 2379), learner);
            nodes.put(id, n);
            byEndpoint.put(n.endpoint, n);
        } else {
            n.member = true;
            n.learner = learner;
        }
        return changed();
    }

    FakeCluster promote(String id) {
        node(id).learner = false;
        return changed();
    }

    FakeCluster demote(String id) {
        node(id).learner = true;
        if (id.equals(leader)) {
            leader = null;
        }
        return changed();
    }

    FakeCluster remove(String id) {
        node(id).member = false;
        if (id.equals(leader)) {
            leader = null;
        }
        changed();
        node(id).removedAt = revision - 1;
        return this;
    }

    FakeCluster leader(String id) {
        if (id != null && (node(id).learner || !node(id).member)) {
            throw new IllegalArgumentException(id + " cannot lead");
        }
        leader = id;
        return this;
    }

    FakeCluster kill(String id, Death how) {
        Node n = node(id);
        n.alive = false;
        n.death = how;
        return this;
    }

    FakeCluster revive(String id) {
        node(id).alive = true;
        return this;
    }

    /** Node {@code id} answers fetches with the membership of {@code rev} (-1: current). */
    FakeCluster lagging(String id, long rev) {
        node(id).servesRevision = rev;
        return this;
    }

    private FakeCluster changed() {
        revision++;
        Map<String, Boolean> m = new LinkedHashMap<>();
        nodes.values().stream().filter(n -> n.member).forEach(n -> m.put(n.id, n.learner));
        history.put(revision, m);
        return this;
    }

    Node node(String id) {
        Node n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return n;
    }

    Endpoint endpoint(String id) {
        return node(id).endpoint;
    }

    List<Endpoint> endpoints() {
        return nodes.values().stream().map(n -> n.endpoint).toList();
    }

    Map<String, Node> nodes() {
        return nodes;
    }

    String leader() {
        return leader;
    }

    long revision() {
        return revision;
    }

    /** Was {@code id} a voter in the membership of revision {@code rev}? */
    boolean wasVoterAt(String id, long rev) {
        Map<String, Boolean> m = history.get(rev);
        return m != null && Boolean.FALSE.equals(m.get(id));
    }

    List<Received> receivedBy(String id) {
        return received.stream().filter(r -> r.nodeId().equals(id)).toList();
    }

    int connectsTo(String id) {
        return connects.getOrDefault(endpoint(id), 0);
    }

    int appliedCount(String tag) {
        return applied.getOrDefault(tag, 0);
    }

    // ---- ClientTransport ----

    @Override
    public CompletableFuture<Reply> send(Endpoint endpoint, TransportRequest request) {
        connectionAttempts++;
        connects.merge(endpoint, 1, Integer::sum);
        CompletableFuture<Reply> f = new CompletableFuture<>();
        long latency = 1 + random.nextInt(5);
        Node n = byEndpoint.get(endpoint);
        if (n == null || !n.alive && n.death == Death.REFUSE) {
            scheduler.schedule(latency, () -> f.complete(Reply.notSent("connection refused by " + endpoint)));
            return f;
        }
        String tag = new String(request.payloadBytes(), StandardCharsets.UTF_8);
        MemberView view = balancerView.get();
        received.add(new Received(scheduler.nowMillis(), n.id, endpoint, request.kind(), tag, request.attempt(),
                n.learner, n.member, view.isVoterEndpoint(endpoint), view.revision()));
        if (!n.alive) {
            // Hung: the transport gives up a little after the attempt's timeout.
            scheduler.schedule(request.timeoutMillis() + 5, () -> f.complete(Reply.ambiguous("read timed out")));
            return f;
        }
        Reply reply = process(n, request, tag);
        scheduler.schedule(latency, () -> f.complete(reply));
        return f;
    }

    private Reply process(Node n, TransportRequest request, String tag) {
        if (!n.member) {
            return Reply.error(ErrorCodes.UNAVAILABLE, n.id + " was removed from the cluster");
        }
        if (n.learner && request.kind() != RequestKind.SERIALIZABLE_READ) {
            return Reply.error(ErrorCodes.UNSUPPORTED_ON_LEARNER, n.id + " is a learner");
        }
        if (tag.startsWith("bad")) {
            return Reply.error(ErrorCodes.BAD_REQUEST, "malformed");
        }
        switch (request.kind()) {
            case WRITE -> {
                if (!n.id.equals(leader)) {
                    return Reply.notLeader(leader, n.id + " is not the leader");
                }
                Optional<String> id = request.requestId();
                if (id.isEmpty() || seenRequestIds.add(id.get())) {
                    applied.merge(tag, 1, Integer::sum);
                }
                if (n.resetAfterApply > 0) {
                    n.resetAfterApply--;
                    return Reply.ambiguous("connection reset after the request was written");
                }
                return Reply.ok(("ok:" + tag).getBytes(StandardCharsets.UTF_8));
            }
            case LINEARIZABLE_READ -> {
                if (leader == null) {
                    return Reply.error(ErrorCodes.UNAVAILABLE, "no leader");
                }
                if (!followerReads && !n.id.equals(leader)) {
                    return Reply.notLeader(leader, "linearizable reads are served by the leader");
                }
                return Reply.ok(("read:" + tag).getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                return Reply.ok(("stale-read:" + tag).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public CompletableFuture<Reply> probe(Endpoint endpoint) {
        if (!probesEnabled) {
            return null;
        }
        probes++;
        CompletableFuture<Reply> f = new CompletableFuture<>();
        Node n = byEndpoint.get(endpoint);
        if (n == null || !n.alive && n.death == Death.REFUSE) {
            scheduler.schedule(1, () -> f.complete(Reply.notSent("connection refused")));
        } else if (!n.alive) {
            scheduler.schedule(10_000, () -> f.complete(Reply.ambiguous("read timed out")));
        } else {
            scheduler.schedule(1, () -> f.complete(Reply.ok(new byte[0])));
        }
        return f;
    }

    // ---- MemberSource ----

    @Override
    public CompletableFuture<MemberList> fetch(List<Endpoint> candidates) {
        fetches++;
        CompletableFuture<MemberList> f = new CompletableFuture<>();
        long delay = 1 + random.nextInt(5) + nextFetchDelayMillis;
        nextFetchDelayMillis = 0;
        if (fetchFails) {
            scheduler.schedule(delay, () -> f.completeExceptionally(new IOException("member list unavailable")));
            return f;
        }
        for (Endpoint e : candidates) {
            Node n = byEndpoint.get(e);
            if (n != null && n.alive) {
                long rev = !n.member ? n.removedAt : n.servesRevision < 0 ? revision : n.servesRevision;
                MemberList list = listAt(rev);
                scheduler.schedule(delay, () -> f.complete(list));
                return f;
            }
        }
        scheduler.schedule(delay, () -> f.completeExceptionally(new IOException("no candidate answered: " + candidates)));
        return f;
    }

    /** The member list of revision {@code rev}, as a node at that revision would give it. */
    MemberList listAt(long rev) {
        Map<String, Boolean> m = history.getOrDefault(rev, Map.of());
        List<Member> members = new ArrayList<>();
        m.forEach((id, learner) -> members.add(new Member(id, id, List.of(node(id).endpoint), learner)));
        String lead = leader != null && Boolean.FALSE.equals(m.get(leader)) ? leader : null;
        return new MemberList(members, Optional.ofNullable(lead), reportRevision ? rev : MemberList.UNKNOWN_REVISION);
    }
}
