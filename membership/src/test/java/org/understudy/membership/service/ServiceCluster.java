package org.understudy.membership.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.sim.SimHarness;
import org.understudy.membership.sim.SimRecords;
import org.understudy.membership.spi.LeaderForwarder;
import org.understudy.membership.spi.MembershipRequest;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.core.Role;

/**
 * A {@link MembershipService} on every node of a {@link SimHarness}, with a forwarder that hands a
 * request to the leader's service directly (what an application's RPC does), and the policies
 * ticked once per simulated round.
 */
final class ServiceCluster {

    final SimHarness h;
    private final MembershipOptions options;
    private final long seed;
    private final Map<Long, MembershipService> services = new TreeMap<>();
    final List<MembershipEvent> events = new ArrayList<>();

    ServiceCluster(long seed, MembershipOptions options, UnaryOperator<SimHarness.Builder> setup) {
        this.seed = seed;
        this.options = options;
        this.h = setup.apply(SimHarness.builder()).build();
    }

    static ServiceCluster of(long seed, MembershipOptions options, long... voters) {
        return new ServiceCluster(seed, options, b -> b.voters(voters).founderRecords(SimRecords.founders(voters)));
    }

    /** The service of node {@code id} (created on first use, e.g. for a joiner). */
    MembershipService service(long id) {
        return services.computeIfAbsent(id, k -> {
            MembershipService s = MembershipService.builder(h.group(k)).options(options).clock(h.clock())
                    .idSeed(seed * 31 + k).forwarder(forwarder()).build();
            s.addListener(events::add);
            return s;
        });
    }

    private LeaderForwarder forwarder() {
        return new LeaderForwarder() {
            @Override
            public <T> CompletableFuture<T> forward(long leaderId, MembershipRequest<T> request) {
                if (!h.group(leaderId).isUp()) {
                    return CompletableFuture.failedFuture(new RaftException(ErrorCode.UNAVAILABLE, "leader down"));
                }
                return service(leaderId).handle(request);
            }
        };
    }

    long leader() {
        return h.leader();
    }

    MembershipService leaderService() {
        return service(h.leader());
    }

    /** One round: ticks every node, then every running node's policies. */
    void round() {
        h.tickAll();
        for (long id : h.cluster().ids()) {
            if (h.group(id).isUp()) {
                service(id).tick();
            }
        }
        h.settle();
    }

    void rounds(int n) {
        for (int i = 0; i < n; i++) {
            round();
        }
    }

    /** Rounds until {@code f} is done; its value (or its failure, thrown). */
    <T> T await(CompletableFuture<T> f, int maxRounds) {
        h.settle();
        for (int i = 0; i < maxRounds && !f.isDone(); i++) {
            round();
        }
        if (!f.isDone()) {
            throw new AssertionError("not done within " + maxRounds + " rounds; " + h.cluster().describe());
        }
        return f.join();
    }

    void propose(int n, String prefix) {
        long leader = h.leader();
        for (int i = 0; i < n; i++) {
            h.cluster().core(leader).propose(com.google.protobuf.ByteString.copyFromUtf8(prefix + i));
        }
        h.settle();
    }

    boolean isLeader(long id) {
        return h.group(id).isUp() && h.cluster().core(id).role() == Role.LEADER;
    }
}
