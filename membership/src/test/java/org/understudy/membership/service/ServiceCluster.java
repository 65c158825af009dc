package org.understudy.membership.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.understudy.raft.core.EntryId;
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
    /** Every event with the simulated time and the node whose service emitted it. */
    final List<TimedEvent> timed = new ArrayList<>();
    private final Map<Long, SimpleMeterRegistry> meters = new TreeMap<>();

    /** An event as seen by node {@code node}'s service at simulated time {@code millis}. */
    record TimedEvent(long millis, long node, MembershipEvent event) {}

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
                    .idSeed(seed * 31 + k).forwarder(forwarder()).meterRegistry(meters(k)).build();
            s.addListener(events::add);
            s.addListener(e -> timed.add(new TimedEvent(h.nowMillis(), k, e)));
            return s;
        });
    }

    /** Node {@code id}'s meter registry (its service's meters). */
    SimpleMeterRegistry meters(long id) {
        return meters.computeIfAbsent(id, k -> new SimpleMeterRegistry());
    }

    /** A counter summed over every node's service (leadership may move between increments). */
    double count(String name, String... tags) {
        double sum = 0;
        for (SimpleMeterRegistry r : meters.values()) {
            Counter c = r.find(name).tags(tags).counter();
            sum += c == null ? 0 : c.count();
        }
        return sum;
    }

    /** The events of one type, in order. */
    <E extends MembershipEvent> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
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

    /** Proposes one command on the leader (no settling). */
    EntryId write(String data) {
        EntryId id = h.cluster().core(h.leader()).propose(com.google.protobuf.ByteString.copyFromUtf8(data));
        h.settle();
        return id;
    }

    /** Adds a learner through the leader's service and starts its node; returns its id. */
    long addStartedLearner(AddRequest request) {
        long id = await(leaderService().add(request), 20).id();
        h.startJoiner(id);
        return id;
    }

    boolean isLeader(long id) {
        return h.group(id).isUp() && h.cluster().core(id).role() == Role.LEADER;
    }
}
