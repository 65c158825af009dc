package org.understudy.client.balancer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.client.balancer.health.EndpointHealth;
import org.understudy.client.balancer.health.HealthTable;
import org.understudy.client.balancer.routing.MemberTable;
import org.understudy.client.balancer.routing.MemberView;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.client.balancer.time.Scheduler;

/**
 * Keeps the member list fresh: one fetch at start, one every {@code syncInterval}, and one
 * soon after anything that suggests the list is stale (an unknown leader hint, a learner's
 * refusal, a circuit opening, no usable endpoint).
 *
 * <p>Never two fetches at once, and error-triggered fetches at most once per
 * {@code minSyncInterval}: requests asking while one runs are folded into one more fetch after
 * it. So a storm of failures costs a fetch a second, and memory is constant. Every answer goes
 * through {@link MemberTable#apply}, which refuses a list older than the current one, so a slow
 * fetch that answers after a newer one cannot roll the list back.
 */
final class MemberSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MemberSync.class);

    private final MemberSource source;
    private final MemberTable table;
    private final HealthTable health;
    private final Scheduler scheduler;
    private final BalancerOptions options;
    private final List<Endpoint> seeds;
    private final BalancerMetrics metrics;
    private final Consumer<MemberTable.Result> onApplied;

    private boolean fetching;
    private boolean again;
    private boolean closed;
    private boolean lastFailed;
    private long lastStartMillis;
    private boolean everStarted;
    /**
     * Fetches in a row that brought nothing new (failed, stale, or the same membership). The
     * candidate order is rotated by this much: a source that asks the first candidate would
     * otherwise ask the same lagging or removed node for ever, and a node removed from the
     * cluster keeps answering with the last list it knew, the one we already have. In a steady
     * cluster this spreads the periodic fetches over the members.
     */
    private int fruitless;
    private Scheduler.Cancellable periodic;
    private Scheduler.Cancellable delayed;
    /** Completed when the next fetch to start finishes; shared by every caller of syncNow meanwhile. */
    private CompletableFuture<MemberView> waiter;

    private final class Fetch {
        final long stamp;
        final CompletableFuture<MemberView> waiter;
        boolean finished;
        Scheduler.Cancellable timer;

        Fetch(long stamp, CompletableFuture<MemberView> waiter) {
            this.stamp = stamp;
            this.waiter = waiter;
        }
    }

    MemberSync(MemberSource source, MemberTable table, HealthTable health, Scheduler scheduler,
               BalancerOptions options, List<Endpoint> seeds, BalancerMetrics metrics,
               Consumer<MemberTable.Result> onApplied) {
        this.source = source;
        this.table = table;
        this.health = health;
        this.scheduler = scheduler;
        this.options = options;
        this.seeds = List.copyOf(seeds);
        this.metrics = metrics;
        this.onApplied = onApplied;
    }

    /** Schedules the first fetch now and the periodic ones after it. */
    synchronized void start() {
        if (source != null) {
            periodic = scheduler.schedule(0, this::periodicTick);
        }
    }

    /** Asks for a fetch soon (rate-limited, coalesced). */
    void request(String why) {
        begin(why, false);
    }

    /** Fetches now, unless one is running, in which case one more follows it; completes with the view after. */
    CompletableFuture<MemberView> syncNow() {
        if (source == null) {
            return CompletableFuture.completedFuture(table.view());
        }
        CompletableFuture<MemberView> w;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the balancer is closed"));
            }
            if (waiter == null) {
                waiter = new CompletableFuture<>();
            }
            w = waiter;
        }
        begin("explicit sync", true);
        return w;
    }

    private void periodicTick() {
        synchronized (this) {
            if (closed) {
                return;
            }
            periodic = scheduler.schedule(options.syncIntervalMillis(), this::periodicTick);
        }
        begin("periodic", true);
    }

    private void begin(String why, boolean force) {
        Fetch fetch;
        synchronized (this) {
            if (source == null || closed) {
                return;
            }
            if (fetching) {
                again = true;
                return;
            }
            long now = scheduler.nowMillis();
            long wait = everStarted ? lastStartMillis + options.minSyncIntervalMillis() - now : 0;
            if (!force && wait > 0) {
                if (delayed == null) {
                    delayed = scheduler.schedule(wait, () -> {
                        synchronized (this) {
                            delayed = null;
                        }
                        begin(why, false);
                    });
                }
                return;
            }
            fetching = true;
            everStarted = true;
            lastStartMillis = now;
            fetch = new Fetch(table.nextStamp(), waiter);
            waiter = null;
            fetch.timer = scheduler.schedule(options.syncTimeoutMillis(), () -> finish(fetch, null,
                    new TimeoutException("no member list within " + options.syncTimeoutMillis() + " ms")));
        }
        LOG.debug("fetching the member list ({})", why);
        CompletableFuture<MemberList> f;
        try {
            f = source.fetch(candidates());
            if (f == null) {
                f = CompletableFuture.failedFuture(new IllegalStateException("MemberSource.fetch returned null"));
            }
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((list, err) -> finish(fetch, list, err));
    }

    private void finish(Fetch fetch, MemberList list, Throwable err) {
        boolean late;
        boolean rerun = false;
        boolean forceRerun = false;
        synchronized (this) {
            late = fetch.finished;
            if (!late) {
                fetch.finished = true;
                fetching = false;
                if (fetch.timer != null) {
                    fetch.timer.cancel();
                }
                rerun = again && !closed;
                again = false;
                forceRerun = waiter != null;
            }
        }
        if (list != null) {
            MemberTable.Result r = table.apply(list, fetch.stamp);
            metrics.sync(r.applied() ? "applied" : "stale");
            boolean news = r.applied() && (r.after().revision() != r.before().revision()
                    || !r.after().voters().equals(r.before().voters())
                    || !r.after().learners().equals(r.before().learners()));
            synchronized (this) {
                fruitless = news ? 0 : fruitless + 1;
            }
            if (r.applied()) {
                onApplied.accept(r);
            } else {
                LOG.debug("ignored a member list older than the current one (revision {} vs {}, fetch #{} vs #{})",
                        list.revision(), r.before().revision(), fetch.stamp, r.before().stamp());
            }
            synchronized (this) {
                lastFailed = false;
            }
        } else if (!late) {
            metrics.sync("failed");
            boolean first;
            synchronized (this) {
                first = !lastFailed;
                lastFailed = true;
                fruitless++;
            }
            String why = err == null ? "no list" : String.valueOf(unwrap(err));
            if (first) {
                LOG.warn("member list fetch failed, keeping the current list ({}): {}", table.view(), why);
            } else {
                LOG.debug("member list fetch failed again: {}", why);
            }
        }
        if (!late && fetch.waiter != null) {
            if (list != null) {
                fetch.waiter.complete(table.view());
            } else {
                fetch.waiter.completeExceptionally(unwrap(err));
            }
        }
        if (rerun) {
            begin("coalesced", forceRerun);
        }
    }

    /**
     * Best first, rotated after fruitless fetches: the leader (its list is the freshest), then voters with closed circuits, the other
     * voters, learners (they serve member status, DESIGN.md §4 rule 7, and may be the only
     * known members left after the voters were replaced), then the seeds.
     */
    private List<Endpoint> candidates() {
        MemberView view = table.view();
        Set<Endpoint> out = new LinkedHashSet<>(view.leaderEndpoints());
        List<Endpoint> unhealthy = new ArrayList<>();
        for (Endpoint e : view.voterEndpoints()) {
            EndpointHealth h = health.peek(e);
            if (h == null || h.isClosed()) {
                out.add(e);
            } else {
                unhealthy.add(e);
            }
        }
        out.addAll(unhealthy);
        out.addAll(view.learnerEndpoints());
        out.addAll(seeds);
        List<Endpoint> ordered = new ArrayList<>(out);
        int shift;
        synchronized (this) {
            shift = fruitless;
        }
        if (!ordered.isEmpty()) {
            java.util.Collections.rotate(ordered, -(shift % ordered.size()));
        }
        return List.copyOf(ordered);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t == null ? new IllegalStateException("member list fetch failed") : t;
    }

    @Override
    public void close() {
        CompletableFuture<MemberView> w;
        synchronized (this) {
            closed = true;
            if (periodic != null) {
                periodic.cancel();
            }
            if (delayed != null) {
                delayed.cancel();
            }
            w = waiter;
            waiter = null;
        }
        if (w != null) {
            w.completeExceptionally(new IllegalStateException("the balancer is closed"));
        }
    }
}
