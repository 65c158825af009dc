package org.understudy.client.balancer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.understudy.client.balancer.health.CircuitBreaker;
import org.understudy.client.balancer.health.EndpointHealth;
import org.understudy.client.balancer.health.HealthSignal;
import org.understudy.client.balancer.retry.Decision;
import org.understudy.client.balancer.retry.Outcome;
import org.understudy.client.balancer.retry.RetryPolicy;
import org.understudy.client.balancer.routing.MemberView;
import org.understudy.client.balancer.routing.Route;
import org.understudy.client.balancer.spi.Reply;
import org.understudy.client.balancer.spi.TransportRequest;
import org.understudy.client.balancer.time.Scheduler;

/**
 * Drives one request from submit to its one completion: pick an endpoint, send, read what
 * came back, decide (RetryPolicy), and either finish or try again within the deadline.
 *
 * <p>One attempt is in flight at a time. The state is guarded by {@code this}; the lock is
 * never held while calling the transport, the member source or the caller's future, so a
 * transport that answers on the calling thread is fine. Routing happens at every attempt from
 * the current member view, never from the view at submit time: a request waiting for a retry
 * whose endpoint left the list simply goes elsewhere.
 */
final class RequestExecution {

    /** Immediate NOT_LEADER hops in a row; beyond this, back off (two servers disagreeing on the leader). */
    private static final int MAX_IMMEDIATE_LEADER_HOPS = 2;

    private final ClientBalancer balancer;
    private final Request request;
    private final long startedAtMillis;
    private final long deadlineAtMillis;
    private final CompletableFuture<Response> future = new CompletableFuture<>();

    private final List<Attempt> attempts = new ArrayList<>();
    private final Set<Endpoint> tried = new HashSet<>();
    private int backoffs;
    private int leaderHops;
    /** A NOT_LEADER answer to a read means this cluster serves it on the leader: go there first from now on. */
    private boolean leaderFirst;
    private boolean done;
    private boolean waitingForRoute;
    private boolean mayHaveBeenApplied;
    private String lastProblem = "no endpoint tried yet";
    private InFlight inFlight;
    private Scheduler.Cancellable deadlineTimer;
    private Scheduler.Cancellable retryTimer;

    /** One send. */
    private static final class InFlight {
        final int number;
        final Route route;
        final EndpointHealth health;
        final long startedAtMillis;
        final long timeoutMillis;
        final boolean cutByDeadline;
        boolean settled;
        Scheduler.Cancellable timer;

        InFlight(int number, Route route, EndpointHealth health, long startedAtMillis, long timeoutMillis,
                 boolean cutByDeadline) {
            this.number = number;
            this.route = route;
            this.health = health;
            this.startedAtMillis = startedAtMillis;
            this.timeoutMillis = timeoutMillis;
            this.cutByDeadline = cutByDeadline;
        }
    }

    RequestExecution(ClientBalancer balancer, Request request, long nowMillis, long deadlineMillis) {
        this.balancer = balancer;
        this.request = request;
        this.startedAtMillis = nowMillis;
        this.deadlineAtMillis = nowMillis + deadlineMillis;
    }

    CompletableFuture<Response> future() {
        return future;
    }

    Request request() {
        return request;
    }

    void start() {
        synchronized (this) {
            deadlineTimer = balancer.scheduler().schedule(deadlineAtMillis - startedAtMillis, this::onDeadline);
        }
        attempt();
    }

    /** A new member view or a closed circuit may give a waiting request a route: try now. */
    void wake() {
        synchronized (this) {
            if (done || !waitingForRoute) {
                return;
            }
            waitingForRoute = false;
            if (retryTimer != null) {
                retryTimer.cancel();
                retryTimer = null;
            }
        }
        attempt();
    }

    private void attempt() {
        InFlight a = null;
        boolean wantSync = false;
        synchronized (this) {
            if (done || inFlight != null) {
                return;
            }
            retryTimer = null;
            waitingForRoute = false;
            long now = balancer.scheduler().nowMillis();
            MemberView view = balancer.view();
            Optional<Route> route = pick(view, now);
            if (route.isEmpty() && !tried.isEmpty()) {
                // Every candidate was tried once: start a new round.
                tried.clear();
                route = pick(view, now);
            }
            if (route.isEmpty()) {
                lastProblem = view.voterEndpoints().isEmpty()
                        ? "no voter endpoint is known (" + view + ")"
                        : "no voter endpoint is usable now (circuits open: " + view.voterEndpoints() + ")";
                wantSync = true;
                waitingForRoute = true;
                scheduleRetryLocked(now);
            } else {
                Route r = route.get();
                long remaining = deadlineAtMillis - now;
                long timeout = Math.max(1, Math.min(balancer.options().attemptTimeoutMillis(), remaining));
                a = new InFlight(attempts.size() + 1, r, balancer.health().get(r.endpoint()), now, timeout,
                        timeout < balancer.options().attemptTimeoutMillis());
                tried.add(r.endpoint());
                inFlight = a;
                InFlight sent = a;
                a.timer = balancer.scheduler().schedule(timeout, () -> settle(sent, null));
            }
        }
        if (wantSync) {
            balancer.memberSync().request("no usable endpoint");
        }
        if (a != null) {
            send(a);
        }
    }

    private Optional<Route> pick(MemberView view, long now) {
        return balancer.router().pick(view, request.kind(), request.allowLearner(),
                request.mayRepeatAfterAmbiguousFailure(), leaderFirst || request.kind() == RequestKind.WRITE, tried, now);
    }

    private void send(InFlight a) {
        TransportRequest tr = new TransportRequest(request.payload(), request.kind(), request.idempotent(),
                request.requestId(), a.number, a.timeoutMillis);
        CompletableFuture<Reply> f;
        try {
            f = balancer.transport().send(a.route.endpoint(), tr);
            if (f == null) {
                f = CompletableFuture.completedFuture(Reply.notSent("the transport returned no future"));
            }
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(Reply.notSent("the transport threw " + e));
        }
        f.whenComplete((reply, err) -> settle(a, reply != null ? reply
                : Reply.ambiguous("the transport failed: " + describe(err))));
    }

    /** The end of attempt {@code a}: a reply, or (reply == null) its timer. Runs once per attempt. */
    private void settle(InFlight a, Reply reply) {
        Endpoint e = a.route.endpoint();
        CircuitBreaker.Transition transition;
        String syncReason = null;
        boolean retryNow = false;
        Response success = null;
        BalancerException failure = null;
        synchronized (this) {
            if (a.settled) {
                return;
            }
            a.settled = true;
            if (reply != null && a.timer != null) {
                a.timer.cancel();
            }
            if (inFlight == a) {
                inFlight = null;
            }
            long now = balancer.scheduler().nowMillis();
            Outcome outcome = reply == null ? Outcome.TIMEOUT : Outcome.of(reply);
            HealthSignal signal = reply == null && a.cutByDeadline ? HealthSignal.NEUTRAL : outcome.healthSignal();
            transition = a.health.release(signal, a.route.probe(), now);
            if (balancer.health().peek(e) != null) {
                balancer.metrics().attempt(e, request.kind(), outcome);
            }
            Attempt record = new Attempt(a.number, e, a.route.memberId(), label(outcome, reply),
                    detail(reply, a.timeoutMillis), a.startedAtMillis, now - a.startedAtMillis, a.route.probe());
            attempts.add(record);
            lastProblem = "last: " + record;
            if (outcome.mayHaveApplied(request.kind())) {
                mayHaveBeenApplied = true;
            }

            boolean hintFollowable = false;
            if (outcome == Outcome.NOT_LEADER) {
                leaderHops++;
                leaderFirst = true;
                Optional<String> hint = ((Reply.ServerError) reply).leaderHint();
                if (hint.isEmpty()) {
                    if (a.route.memberId() != null) {
                        balancer.table().forgetLeader(a.route.memberId());
                    }
                    syncReason = "NOT_LEADER without a hint";
                } else if (!balancer.table().noteLeader(hint.get())) {
                    syncReason = "NOT_LEADER names unknown member " + hint.get();
                } else if (!hint.get().equals(a.route.memberId()) && leaderHops <= MAX_IMMEDIATE_LEADER_HOPS) {
                    List<Endpoint> leaderEps = balancer.view().leaderEndpoints();
                    // A hint is news: the leader's endpoints are worth trying even if tried before.
                    tried.removeAll(leaderEps);
                    hintFollowable = !leaderEps.isEmpty();
                }
            } else {
                leaderHops = 0;
            }
            if (outcome == Outcome.UNSUPPORTED_ON_LEARNER) {
                balancer.table().suspectLearner(e);
                syncReason = "a listed voter answered UNSUPPORTED_ON_LEARNER";
            }

            if (!done) {
                Decision decision = RetryPolicy.decide(request, outcome, hintFollowable);
                switch (decision) {
                    case COMPLETE -> {
                        done = true;
                        success = new Response(((Reply.Ok) reply).payloadBytes(), e, a.route.memberId(), attempts.size());
                    }
                    case FAIL_FINAL -> {
                        done = true;
                        Reply.ServerError se = (Reply.ServerError) reply;
                        failure = failLocked(FailureReason.SERVER_ERROR, se.code(),
                                "the server answered " + se.code() + (se.message().isEmpty() ? "" : ": " + se.message()), now);
                    }
                    case FAIL_AMBIGUOUS -> {
                        done = true;
                        failure = failLocked(FailureReason.AMBIGUOUS_NOT_RETRIED, ErrorCodes.UNAVAILABLE,
                                "the write may have been applied (" + outcome + ") and was not repeated: it is not"
                                        + " idempotent and was not sent with a request id and retryAfterAmbiguousFailure()",
                                now);
                    }
                    case RETRY_NOW, RETRY_LATER -> {
                        if (attempts.size() >= balancer.options().maxAttempts()) {
                            done = true;
                            failure = failLocked(FailureReason.ATTEMPTS_EXHAUSTED, ErrorCodes.UNAVAILABLE,
                                    "all " + attempts.size() + " allowed attempts failed", now);
                        } else {
                            balancer.metrics().retry(request.kind(), outcome);
                            if (decision == Decision.RETRY_NOW) {
                                retryNow = true;
                            } else {
                                scheduleRetryLocked(now);
                            }
                        }
                    }
                    default -> throw new IllegalStateException("unknown decision " + decision);
                }
                if (done) {
                    cancelTimersLocked();
                }
            }
        }
        if (transition != CircuitBreaker.Transition.NONE) {
            balancer.onCircuitTransition(a.health, transition);
        }
        if (syncReason != null) {
            balancer.memberSync().request(syncReason);
        }
        if (success != null) {
            balancer.succeeded(this, success);
        } else if (failure != null) {
            balancer.failed(this, failure);
        }
        if (retryNow) {
            attempt();
        }
    }

    private void onDeadline() {
        endUnavailable(FailureReason.DEADLINE_EXCEEDED, null);
    }

    /** Ends the request now (the balancer is closing). */
    void abort(FailureReason reason, String why) {
        endUnavailable(reason, why);
    }

    /**
     * Ends the request with {@code UNAVAILABLE} unless it already ended; a write still in flight
     * may have been applied. {@code why} null: the deadline passed (the message says which
     * attempt was unanswered).
     */
    private void endUnavailable(FailureReason reason, String why) {
        BalancerException failure;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            if (inFlight != null && request.kind() == RequestKind.WRITE) {
                mayHaveBeenApplied = true;
            }
            cancelTimersLocked();
            String message = why != null ? why
                    : "deadline of " + (deadlineAtMillis - startedAtMillis) + " ms exceeded"
                            + (inFlight != null ? " with attempt #" + inFlight.number + " to " + inFlight.route.endpoint()
                            + " unanswered" : "") + "; " + lastProblem;
            failure = failLocked(reason, ErrorCodes.UNAVAILABLE, message, balancer.scheduler().nowMillis());
        }
        balancer.failed(this, failure);
    }

    /** The caller cancelled the future: stop retrying, complete nothing. */
    void cancelled() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            cancelTimersLocked();
        }
        balancer.finished(this, "cancelled");
    }

    private void scheduleRetryLocked(long now) {
        long delay = balancer.retryBackoff().delayMillis(backoffs++);
        if (now + delay >= deadlineAtMillis) {
            // The deadline timer ends the request; a retry that could not finish in time is pointless.
            return;
        }
        retryTimer = balancer.scheduler().schedule(delay, this::attempt);
    }

    private void cancelTimersLocked() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
        if (retryTimer != null) {
            retryTimer.cancel();
            retryTimer = null;
        }
    }

    private BalancerException failLocked(FailureReason reason, String code, String why, long now) {
        boolean applied = mayHaveBeenApplied && request.kind() == RequestKind.WRITE;
        String message = request.kind() + (request.requestId().map(id -> " " + id).orElse("")) + " failed: " + code
                + " (" + reason + ") after " + attempts.size() + " attempt(s) in " + (now - startedAtMillis) + " ms: "
                + why + (applied ? "; the write may have been applied" : "")
                + (attempts.isEmpty() || why.contains("last: ") ? "" : "; last: " + attempts.get(attempts.size() - 1));
        return new BalancerException(code, reason, message, attempts, applied, request.requestId().orElse(null));
    }

    private static String label(Outcome outcome, Reply reply) {
        if (reply instanceof Reply.ServerError se) {
            return se.code();
        }
        return outcome.name();
    }

    private static String detail(Reply reply, long timeoutMillis) {
        if (reply == null) {
            return "no reply within " + timeoutMillis + " ms";
        }
        if (reply instanceof Reply.ServerError se) {
            return se.message() + se.leaderHint().map(h -> " leader hint " + h).orElse("");
        }
        if (reply instanceof Reply.ConnectionFailure cf) {
            return cf.message();
        }
        return "";
    }

    private static String describe(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t);
    }
}
