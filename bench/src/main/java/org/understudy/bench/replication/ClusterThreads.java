package org.understudy.bench.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checks that a closed cluster left no thread behind. Every thread a cluster starts has a known
 * name prefix ({@code raft-<id>-} for a node's threads, plus its network's); after a close each
 * such thread still alive is joined for a bounded time, and any that outlives it is an error, so
 * that no trial leaks threads into the next (or into JMH's measurement of it).
 *
 * <p>Not checked: the few JVM-wide helpers the libraries start once per process and share, which
 * no close of ours can or should stop — Chronicle's {@code background~resource~releaser} and
 * {@code disk~space~checker} daemons, and Netty's {@code globalEventExecutor}, which ends by itself
 * after a second without work. They do not multiply with trials (JMH forks a JVM per trial anyway).
 */
final class ClusterThreads {
    /** Name prefix of every {@code RaftNode} thread ({@code raft-<id>-<role>}). */
    static final String NODE_PREFIX = "raft-";
    private static final long JOIN_MILLIS = 10_000;

    private ClusterThreads() {}

    /** Live threads whose names start with one of {@code prefixes}. */
    static List<Thread> alive(List<String> prefixes) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && prefixes.stream().anyMatch(t.getName()::startsWith)) {
                found.add(t);
            }
        }
        return found;
    }

    /**
     * Waits (at most 10 s in all) for every thread named with one of {@code prefixes} to end.
     *
     * @throws IllegalStateException naming the threads still running after that
     */
    static void awaitGone(List<String> prefixes) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        for (Thread t : alive(prefixes)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                t.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> left = alive(prefixes).stream().map(Thread::getName).sorted().toList();
        if (!left.isEmpty()) {
            throw new IllegalStateException("threads still running after the cluster closed: " + left);
        }
    }
}
