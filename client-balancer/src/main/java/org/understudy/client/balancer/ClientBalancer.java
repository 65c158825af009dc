package org.understudy.client.balancer;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.client.balancer.health.Backoff;
import org.understudy.client.balancer.health.CircuitBreaker;
import org.understudy.client.balancer.health.CircuitState;
import org.understudy.client.balancer.health.EndpointHealth;
import org.understudy.client.balancer.health.HealthSignal;
import org.understudy.client.balancer.health.HealthTable;
import org.understudy.client.balancer.routing.MemberTable;
import org.understudy.client.balancer.routing.MemberView;
import org.understudy.client.balancer.routing.Router;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.time.Scheduler;

/**
 * Routes requests to an Understudy cluster: writes to the leader, reads over healthy voters,
 * never to a learner unless a serializable read allows it (DESIGN.md §4 rule 9), with a member
 * list kept in sync, circuit breakers per endpoint and retries that never repeat a write that
 * may have been applied unless the caller made that safe. See the module README for the rules.
 *
 * <pre>{@code
 * try (ClientBalancer balancer = ClientBalancer.builder()
 *         .transport(myTransport)
 *         .memberSource(myMemberSource)
 *         .seedEndpoints(Endpoint.parseList("127.0.0.1:2379,127.0.0.1:2389"))
 *         .build()) {
 *     Response r = balancer.submit(Request.write(bytes).idempotent().build()).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Futures complete on the transport's or the scheduler's thread unless a
 * {@link BalancerBuilder#completionExecutor completion executor} is given: do not block in
 * their dependent stages.
 */
public final class ClientBalancer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientBalancer.class);

    private final BalancerOptions options;
    private final ClientTransport transport;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Executor completionExecutor;
    private final MemberTable table = new MemberTable();
    private final HealthTable health;
    private final Router router;
    private final Backoff retryBackoff;
    private final BalancerMetrics metrics;
    private final MemberSync memberSync;
    private final Set<RequestExecution> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean transportProbes = true;

    ClientBalancer(BalancerOptions options, ClientTransport transport, MemberSource source, Scheduler scheduler,
                   boolean ownsScheduler, Random random, MeterRegistry registry, Executor completionExecutor,
                   List<Member> initialMembers, List<Endpoint> seeds) {
        this.options = options;
        this.transport = transport;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.completionExecutor = completionExecutor;
        this.metrics = new BalancerMetrics(registry, options.clientName());
        Backoff circuitBackoff = new Backoff(options.circuitBackoffBaseMillis(), options.circuitBackoffMaxMillis(),
                options.jitter(), random);
        this.health = new HealthTable(e -> new CircuitBreaker(options.circuitFailureThreshold(), circuitBackoff),
                metrics::circuit);
        this.router = new Router(options.readStrategy(), health);
        this.retryBackoff = new Backoff(options.retryBackoffBaseMillis(), options.retryBackoffMaxMillis(),
                options.jitter(), random);
        this.memberSync = new MemberSync(source, table, health, scheduler, options, seeds, metrics, this::onViewApplied);
        metrics.gauges(inFlight::get, () -> table.view().voterEndpoints().size());
        if (!initialMembers.isEmpty()) {
            updateEndpoints(initialMembers);
        }
        memberSync.start();
    }

    public static BalancerBuilder builder() {
        return new BalancerBuilder();
    }

    /**
     * Sends {@code request} and completes with the answer, or exceptionally with a
     * {@link BalancerException} (code, reason, attempts). Never throws; never completes twice.
     * Cancelling the returned future stops further attempts (one already sent may still land).
     */
    public CompletableFuture<Response> submit(Request request) {
        long now = scheduler.nowMillis();
        if (closed.get()) {
            return rejected(request, FailureReason.CLOSED, "the balancer is closed");
        }
        int n = inFlight.incrementAndGet();
        if (options.maxInFlight() > 0 && n > options.maxInFlight()) {
            inFlight.decrementAndGet();
            metrics.result(request.kind(), FailureReason.IN_FLIGHT_LIMIT.name());
            return rejected(request, FailureReason.IN_FLIGHT_LIMIT,
                    "the in-flight limit of " + options.maxInFlight() + " requests is reached");
        }
        long deadline = request.deadline().map(d -> Math.max(1, d.toMillis())).orElse(options.defaultDeadlineMillis());
        RequestExecution exec = new RequestExecution(this, request, now, deadline);
        live.add(exec);
        CompletableFuture<Response> f = exec.future();
        f.whenComplete((r, t) -> {
            if (t instanceof CancellationException) {
                exec.cancelled();
            }
        });
        if (closed.get()) {
            exec.abort(FailureReason.CLOSED, "the balancer is closed");
        } else {
            exec.start();
        }
        return f;
    }

    /**
     * Replaces the member list with {@code members} (e.g. from a config reload). Learners are
     * dropped from routing as on every sync. The list is newer than anything fetched so far,
     * but the next sync (periodic or error-triggered) replaces it with the cluster's own view.
     */
    public void updateEndpoints(Collection<Member> members) {
        MemberTable.Result r = table.apply(new MemberList(List.copyOf(members), Optional.empty(),
                MemberList.UNKNOWN_REVISION), table.nextStamp());
        if (r.applied()) {
            onViewApplied(r);
        }
    }

    /** Fetches the member list now (or right after the fetch in flight) and completes with the view after it. */
    public CompletableFuture<MemberView> syncNow() {
        return memberSync.syncNow();
    }

    /** The member view requests are routed by. */
    public MemberView members() {
        return table.view();
    }

    /** The circuit state of {@code endpoint} ({@code CLOSED} for one not tracked). */
    public CircuitState circuitState(Endpoint endpoint) {
        EndpointHealth h = health.peek(endpoint);
        return h == null ? CircuitState.CLOSED : h.state();
    }

    /** Requests submitted and not finished. */
    public int inFlight() {
        return inFlight.get();
    }

    public BalancerOptions options() {
        return options;
    }

    /**
     * Stops syncing, fails every unfinished request with {@link FailureReason#CLOSED}, removes
     * the meters, and stops the scheduler if the balancer made it. The transport and member
     * source are the caller's to close.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        memberSync.close();
        for (RequestExecution exec : List.copyOf(live)) {
            exec.abort(FailureReason.CLOSED, "the balancer was closed");
        }
        metrics.close();
        if (ownsScheduler) {
            scheduler.close();
        }
    }

    // ---- for RequestExecution and MemberSync ----

    Scheduler scheduler() {
        return scheduler;
    }

    ClientTransport transport() {
        return transport;
    }

    MemberView view() {
        return table.view();
    }

    MemberTable table() {
        return table;
    }

    HealthTable health() {
        return health;
    }

    Router router() {
        return router;
    }

    Backoff retryBackoff() {
        return retryBackoff;
    }

    BalancerMetrics metrics() {
        return metrics;
    }

    MemberSync memberSync() {
        return memberSync;
    }

    void succeeded(RequestExecution exec, Response response) {
        finished(exec, "ok");
        complete(() -> exec.future().complete(response));
    }

    void failed(RequestExecution exec, BalancerException failure) {
        finished(exec, failure.reason().name());
        LOG.debug("{}", failure.getMessage());
        complete(() -> exec.future().completeExceptionally(failure));
    }

    void finished(RequestExecution exec, String result) {
        if (live.remove(exec)) {
            inFlight.decrementAndGet();
            metrics.result(exec.request().kind(), result);
        }
    }

    void onCircuitTransition(EndpointHealth h, CircuitBreaker.Transition t) {
        Endpoint e = h.endpoint();
        if (t == CircuitBreaker.Transition.OPENED) {
            long wait = Math.max(0, h.retryAtMillis() - scheduler.nowMillis());
            LOG.warn("endpoint {} ({}) failed repeatedly: circuit open, next try in {} ms", e,
                    table.view().memberAt(e).map(Member::id).orElse("unknown member"), wait);
            metrics.circuitOpened(e);
            memberSync.request("circuit of " + e + " opened");
            if (transportProbes && !closed.get()) {
                scheduler.schedule(wait, () -> probe(e));
            }
        } else if (t == CircuitBreaker.Transition.CLOSED) {
            LOG.info("endpoint {} answers again: circuit closed", e);
            wakeWaiting();
        }
    }

    private void onViewApplied(MemberTable.Result r) {
        MemberView before = r.before();
        MemberView after = r.after();
        List<Endpoint> gone = health.retain(after.allEndpoints());
        metrics.forget(gone);
        if (!before.voters().equals(after.voters()) || !before.learners().equals(after.learners())) {
            LOG.info("member list changed: {} -> {}", before, after);
        } else if (!before.leaderId().equals(after.leaderId())) {
            LOG.debug("leader is now {}", after.leaderId().orElse("unknown"));
        }
        wakeWaiting();
    }

    private void wakeWaiting() {
        for (RequestExecution exec : List.copyOf(live)) {
            exec.wake();
        }
    }

    /**
     * The active half-open probe of an open circuit, when the transport has one: it spares a
     * caller's request the risk of being the probe, and finds a recovered endpoint with no
     * traffic at all.
     */
    private void probe(Endpoint e) {
        if (closed.get()) {
            return;
        }
        EndpointHealth h = health.peek(e);
        long now = scheduler.nowMillis();
        if (h == null || !h.probeReady(now)) {
            return;
        }
        EndpointHealth.Admission a = h.admit(now, true);
        if (a != EndpointHealth.Admission.PROBE) {
            if (a == EndpointHealth.Admission.NORMAL) {
                h.release(HealthSignal.NEUTRAL, false, now);
            }
            return;
        }
        CompletableFuture<Reply> f;
        try {
            f = transport.probe(e);
        } catch (RuntimeException ex) {
            f = CompletableFuture.completedFuture(Reply.notSent("probe threw " + ex));
        }
        if (f == null) {
            transportProbes = false;
            h.release(HealthSignal.NEUTRAL, true, now);
            return;
        }
        AtomicBoolean settled = new AtomicBoolean();
        Scheduler.Cancellable timer = scheduler.schedule(options.attemptTimeoutMillis(), () -> {
            if (settled.compareAndSet(false, true)) {
                endProbe(h, false);
            }
        });
        f.whenComplete((reply, err) -> {
            if (settled.compareAndSet(false, true)) {
                timer.cancel();
                boolean healthy = reply instanceof Reply.Ok
                        || reply instanceof Reply.ServerError se && !ErrorCodes.UNAVAILABLE.equals(se.code());
                endProbe(h, healthy);
            }
        });
    }

    private void endProbe(EndpointHealth h, boolean healthy) {
        CircuitBreaker.Transition t = h.release(healthy ? HealthSignal.SUCCESS
                : HealthSignal.FAILURE, true, scheduler.nowMillis());
        if (health.peek(h.endpoint()) == h && t != CircuitBreaker.Transition.NONE) {
            onCircuitTransition(h, t);
        }
    }

    private void complete(Runnable completion) {
        if (completionExecutor == null) {
            completion.run();
        } else {
            completionExecutor.execute(completion);
        }
    }

    private CompletableFuture<Response> rejected(Request request, FailureReason reason, String why) {
        return CompletableFuture.failedFuture(new BalancerException(ErrorCodes.UNAVAILABLE, reason,
                request.kind() + " rejected: " + ErrorCodes.UNAVAILABLE + " (" + reason + "): " + why, List.of(),
                false, request.requestId().orElse(null)));
    }
}
