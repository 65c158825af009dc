package org.understudy.bench.learner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.understudy.examples.kv.local.LocalMember;
import org.understudy.examples.kv.local.MemberStatus;
import org.understudy.examples.kv.local.StatusProbe;

/**
 * Asks every running member for its {@code /v1/status} every {@link #INTERVAL} on a thread of its
 * own and keeps the answers, for {@link ElectionCounter}. Members come from a supplier, so a
 * learner that joins is watched from its first answer on.
 */
final class ElectionWatcher implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final StatusProbe probe;
    private final Supplier<List<LocalMember>> members;
    private final List<StatusSample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int rounds;

    ElectionWatcher(StatusProbe probe, Supplier<List<LocalMember>> members) {
        this.probe = probe;
        this.members = members;
        this.thread = new Thread(this::loop, "election-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Returns once every member was asked at least once (a baseline for the first window). */
    void awaitFirstRound() throws InterruptedException {
        while (rounds == 0 && thread.isAlive()) {
            Thread.sleep(INTERVAL.toMillis()); // the watcher thread's progress, read from a volatile
        }
    }

    /** Every sample so far, oldest first. */
    synchronized List<StatusSample> samples() {
        return List.copyOf(samples);
    }

    private void loop() {
        while (running) {
            for (LocalMember m : members.get()) {
                Optional<MemberStatus> s = probe.status(m.endpoint());
                if (s.isPresent()) {
                    record(new StatusSample(System.nanoTime(), m.name(), s.get().term(), s.get().leader()));
                }
            }
            rounds++;
            try {
                Thread.sleep(INTERVAL.toMillis()); // a sampling period, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(StatusSample s) {
        samples.add(s);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
