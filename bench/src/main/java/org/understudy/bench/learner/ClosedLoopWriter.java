package org.understudy.bench.learner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's write load, kept to one class so that a real load generator can replace it: a
 * closed loop of {@code clients} threads, each sending one {@code PUT} (a {@link Workload} write)
 * to one endpoint and the next once the answer is in, paced so that all together send at most
 * {@code ratePerSecond} writes per second (0: no pacing, the next write as soon as the answer is
 * in). A client that falls behind its pace sends at once but does not burst to make up for it.
 *
 * <p>Why paced by default: on a small machine an unpaced closed loop takes every spare CPU cycle,
 * so its latency measures the queue it builds itself, and a learner catching up then competes with
 * it for the CPU rather than showing what it costs the cluster.
 *
 * <p>Results are kept per named phase ({@link #phase}): each write counts in the phase that was
 * current when it was sent, its latency (send to answer) in that phase's histogram if it was
 * answered 200, else as failed.
 */
final class ClosedLoopWriter implements AutoCloseable {
    /** Latencies up to a minute, 3 significant digits, in microseconds. */
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

    /** What one phase saw. */
    record Stats(long ok, long failed, Histogram latencyMicros) {
        /** A phase without any write load. */
        static Stats none() {
            return new Stats(0, 0, new Histogram(MAX_MICROS, 3));
        }

        double percentileMillis(double percent) {
            return ok == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percent) / 1e3;
        }

        double maxMillis() {
            return ok == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1e3;
        }
    }

    private static final class PhaseLoad {
        final ConcurrentHistogram micros = new ConcurrentHistogram(MAX_MICROS, 3);
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();
    }

    private final RaftKvHttp http;
    private final String endpoint;
    private final Workload workload;
    private final int clients;
    private final long intervalNanos;
    private final AtomicLong next;
    private final LongAdder acknowledged = new LongAdder();
    private final Map<String, PhaseLoad> phases = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile PhaseLoad current;
    private volatile boolean running;

    /**
     * @param endpoint where every write goes ({@code host:port}; the leader's, so that none is forwarded)
     * @param firstWrite the number of the first write ({@link Workload#key}): later loads continue the sequence
     * @param ratePerSecond writes per second of all clients together at most; 0 for no pacing
     */
    ClosedLoopWriter(RaftKvHttp http, String endpoint, Workload workload, long firstWrite, int clients,
            int ratePerSecond) {
        if (clients <= 0 || ratePerSecond < 0) {
            throw new IllegalArgumentException("clients must be positive and the rate 0 or more, got " + clients
                    + " and " + ratePerSecond);
        }
        this.intervalNanos = ratePerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(clients) / ratePerSecond;
        this.http = http;
        this.endpoint = endpoint;
        this.workload = workload;
        this.clients = clients;
        this.next = new AtomicLong(firstWrite);
    }

    /** Starts the clients, counting in phase {@code name}. */
    synchronized void start(String name) {
        if (running || !threads.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        phase(name);
        running = true;
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            long firstDue = start + intervalNanos * i / clients; // spread the clients over one interval
            Thread t = new Thread(() -> loop(firstDue), "writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** From now on, writes sent count in phase {@code name}. */
    void phase(String name) {
        current = phases.computeIfAbsent(name, n -> new PhaseLoad());
    }

    /** Writes answered 200 so far, in every phase. */
    long acknowledged() {
        return acknowledged.sum();
    }

    /** The number the next write will have (one past the last sent). */
    long nextWrite() {
        return next.get();
    }

    /** What phase {@code name} saw (empty figures for a phase with no writes). */
    Stats stats(String name) {
        PhaseLoad p = phases.get(name);
        if (p == null) {
            return Stats.none();
        }
        return new Stats(p.ok.sum(), p.failed.sum(), p.micros.copy());
    }

    private void loop(long firstDue) {
        long due = firstDue;
        while (running) {
            if (intervalNanos > 0) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing: this client's next send time
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                due = Math.max(due + intervalNanos, System.nanoTime());
            }
            long n = next.getAndIncrement();
            PhaseLoad phase = current;
            long start = System.nanoTime();
            RaftKvHttp.Reply r = http.put(endpoint, workload.key(n), workload.value(n));
            long micros = (System.nanoTime() - start) / 1_000;
            if (r.status() == 200) {
                phase.micros.recordValue(Math.min(Math.max(micros, 1), MAX_MICROS));
                phase.ok.increment();
                acknowledged.increment();
            } else {
                phase.failed.increment();
            }
        }
    }

    /** Stops the clients; each finishes the write it is waiting for (at most the HTTP timeout). */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
