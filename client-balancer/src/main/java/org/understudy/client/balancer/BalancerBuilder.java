package org.understudy.client.balancer;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import org.understudy.client.balancer.routing.ReadStrategy;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.client.balancer.time.ExecutorScheduler;
import org.understudy.client.balancer.time.Scheduler;

/**
 * Builds a {@link ClientBalancer}. A transport is required, and something to route to: a
 * {@link #memberSource member source} (usually with {@link #seedEndpoints seeds} to ask), or a
 * fixed {@link #members member list}, or both. Every option has a default, documented with
 * its reason on the constant in {@link BalancerOptions}.
 */
public final class BalancerBuilder {

    private ClientTransport transport;
    private MemberSource memberSource;
    private final List<Endpoint> seeds = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private Scheduler scheduler;
    private Random random;
    private MeterRegistry registry;
    private Executor completionExecutor;

    private long deadline = BalancerOptions.DEFAULT_DEADLINE_MILLIS;
    private long attemptTimeout = BalancerOptions.DEFAULT_ATTEMPT_TIMEOUT_MILLIS;
    private int maxAttempts = BalancerOptions.DEFAULT_MAX_ATTEMPTS;
    private long retryBase = BalancerOptions.DEFAULT_RETRY_BACKOFF_BASE_MILLIS;
    private long retryMax = BalancerOptions.DEFAULT_RETRY_BACKOFF_MAX_MILLIS;
    private int failureThreshold = BalancerOptions.DEFAULT_CIRCUIT_FAILURE_THRESHOLD;
    private long circuitBase = BalancerOptions.DEFAULT_CIRCUIT_BACKOFF_BASE_MILLIS;
    private long circuitMax = BalancerOptions.DEFAULT_CIRCUIT_BACKOFF_MAX_MILLIS;
    private double jitter = BalancerOptions.DEFAULT_JITTER;
    private long syncInterval = BalancerOptions.DEFAULT_SYNC_INTERVAL_MILLIS;
    private long minSyncInterval = BalancerOptions.DEFAULT_MIN_SYNC_INTERVAL_MILLIS;
    private long syncTimeout = BalancerOptions.DEFAULT_SYNC_TIMEOUT_MILLIS;
    private ReadStrategy readStrategy = ReadStrategy.LEAST_OUTSTANDING;
    private int maxInFlight;
    private String clientName = "default";

    BalancerBuilder() {
    }

    /** Required: how to send one request to one endpoint. */
    public BalancerBuilder transport(ClientTransport t) {
        this.transport = Objects.requireNonNull(t, "transport");
        return this;
    }

    /** Where the member list comes from; fetched at start, every {@link #syncInterval}, and after errors. */
    public BalancerBuilder memberSource(MemberSource s) {
        this.memberSource = Objects.requireNonNull(s, "memberSource");
        return this;
    }

    /** Endpoints the member source may ask before (and besides) the ones in the list. Never routed to by themselves. */
    public BalancerBuilder seedEndpoints(Collection<Endpoint> endpoints) {
        seeds.addAll(endpoints);
        return this;
    }

    /** A starting member list (learners dropped), used until the first sync; the only list without a member source. */
    public BalancerBuilder members(Collection<Member> list) {
        members.addAll(list);
        return this;
    }

    /** Time and timers. Default: an {@link ExecutorScheduler} with one daemon thread, closed by {@code close()}. */
    public BalancerBuilder scheduler(Scheduler s) {
        this.scheduler = Objects.requireNonNull(s, "scheduler");
        return this;
    }

    /** The source of backoff jitter; pass a seeded one to replay a run. Default: {@code new Random()}. */
    public BalancerBuilder random(Random r) {
        this.random = Objects.requireNonNull(r, "random");
        return this;
    }

    /** Where to register meters (see README). Default: none. */
    public BalancerBuilder meterRegistry(MeterRegistry r) {
        this.registry = r;
        return this;
    }

    /** Completes callers' futures on this executor instead of the transport's or scheduler's thread. */
    public BalancerBuilder completionExecutor(Executor e) {
        this.completionExecutor = e;
        return this;
    }

    /** Total time per request, all attempts and waits included, unless the request sets its own. Default 10 s. */
    public BalancerBuilder deadline(Duration d) {
        this.deadline = d.toMillis();
        return this;
    }

    /** Longest wait for one attempt's answer before it counts as an (ambiguous) timeout. Default 3 s. */
    public BalancerBuilder attemptTimeout(Duration d) {
        this.attemptTimeout = d.toMillis();
        return this;
    }

    /** Most sends per request. Default 10. */
    public BalancerBuilder maxAttempts(int n) {
        this.maxAttempts = n;
        return this;
    }

    /** Pause before the n-th retry: base * 2^n, up to max, with jitter. Default 20 ms .. 1 s. */
    public BalancerBuilder retryBackoff(Duration base, Duration max) {
        this.retryBase = base.toMillis();
        this.retryMax = max.toMillis();
        return this;
    }

    /** Consecutive failures that open an endpoint's circuit. Default 3. */
    public BalancerBuilder circuitFailureThreshold(int n) {
        this.failureThreshold = n;
        return this;
    }

    /** How long an open circuit waits before its probe: base * 2^(opens - 1), up to max, with jitter. Default 500 ms .. 10 s. */
    public BalancerBuilder circuitBackoff(Duration base, Duration max) {
        this.circuitBase = base.toMillis();
        this.circuitMax = max.toMillis();
        return this;
    }

    /** Relative jitter of every backoff, in [0, 1]. Default 0.2. */
    public BalancerBuilder jitter(double j) {
        this.jitter = j;
        return this;
    }

    /** Time between periodic member syncs. Default 30 s. */
    public BalancerBuilder syncInterval(Duration d) {
        this.syncInterval = d.toMillis();
        return this;
    }

    /** Least time between two syncs triggered by errors. Default 1 s. */
    public BalancerBuilder minSyncInterval(Duration d) {
        this.minSyncInterval = d.toMillis();
        return this;
    }

    /** Longest wait for a member list fetch. Default 5 s. */
    public BalancerBuilder syncTimeout(Duration d) {
        this.syncTimeout = d.toMillis();
        return this;
    }

    /** How reads are spread over voters. Default {@link ReadStrategy#LEAST_OUTSTANDING}. */
    public BalancerBuilder readStrategy(ReadStrategy s) {
        this.readStrategy = Objects.requireNonNull(s, "readStrategy");
        return this;
    }

    /** Most unfinished requests; more are refused at once with IN_FLIGHT_LIMIT. 0 (default): no limit. */
    public BalancerBuilder maxInFlight(int n) {
        this.maxInFlight = n;
        return this;
    }

    /** The {@code client} tag of every meter and the scheduler thread's name. Default "default". */
    public BalancerBuilder clientName(String name) {
        this.clientName = name;
        return this;
    }

    /** The validated options this builder would use. */
    public BalancerOptions options() {
        return new BalancerOptions(deadline, attemptTimeout, maxAttempts, retryBase, retryMax, failureThreshold,
                circuitBase, circuitMax, jitter, syncInterval, minSyncInterval, syncTimeout, readStrategy,
                maxInFlight, clientName);
    }

    /** Builds and starts the balancer: the first member sync is scheduled at once. */
    public ClientBalancer build() {
        BalancerOptions o = options();
        if (transport == null) {
            throw new IllegalStateException("a ClientTransport is required: it is how requests reach the cluster");
        }
        if (memberSource == null && members.isEmpty()) {
            throw new IllegalStateException("nothing to route to: give a MemberSource (with seed endpoints) or a"
                    + " member list");
        }
        boolean owns = scheduler == null;
        Scheduler s = owns ? new ExecutorScheduler("understudy-balancer-" + clientName) : scheduler;
        return new ClientBalancer(o, transport, memberSource, s, owns, random != null ? random : new Random(),
                registry, completionExecutor, List.copyOf(members), List.copyOf(seeds));
    }
}
