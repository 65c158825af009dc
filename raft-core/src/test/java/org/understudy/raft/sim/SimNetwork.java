package org.understudy.raft.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated wire: every message gets a random delay (so messages overtake each other), may be
 * lost or duplicated, and is dropped when a partition separates its ends at delivery time or its
 * receiver is down. Time is the simulator's step counter.
 *
 * <p>Snapshots are never lost silently: a real transport notices that a stream failed, so a
 * snapshot that is dropped for any reason is reported to the sender as failed through
 * {@link Failures#snapshotFailed}, and a delivered one is reported as done.
 *
 * <p>Deterministic: all randomness comes from the {@link SplittableRandom} it is given.
 */
public final class SimNetwork {

    /** How dropped traffic is reported back to senders. */
    public interface Failures {
        /** The snapshot in {@code envelope} did not arrive. */
        void snapshotFailed(Envelope envelope);

        /** The snapshot in {@code envelope} arrived in full. */
        void snapshotDelivered(Envelope envelope);

        /** A message to {@code envelope.to()} could not be delivered (the transport noticed). */
        void unreachable(Envelope envelope);
    }

    private record InFlight(long deliverAt, long seq, Envelope envelope) {}

    private final SplittableRandom random;
    private final Failures failures;
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>(
            (a, b) -> a.deliverAt != b.deliverAt ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.seq, b.seq));
    private final Map<Long, Integer> side = new HashMap<>();
    private long seq;
    private double lossRate;
    private double duplicateRate;
    private int maxDelay;
    private double snapshotFailureRate;
    private long sent;
    private long dropped;
    private long duplicated;

    public SimNetwork(SplittableRandom random, Failures failures) {
        this.random = random;
        this.failures = failures;
    }

    /** Sets the fault rates; {@code maxDelay} is in steps (0: delivered at the next step). */
    public void setFaults(double lossRate, double duplicateRate, int maxDelay, double snapshotFailureRate) {
        this.lossRate = lossRate;
        this.duplicateRate = duplicateRate;
        this.maxDelay = maxDelay;
        this.snapshotFailureRate = snapshotFailureRate;
    }

    /** Puts a message on the wire at time {@code now}. */
    public void send(Envelope envelope, long now) {
        sent++;
        boolean snapshot = !envelope.snapshotData().isEmpty();
        if (random.nextDouble() < (snapshot ? snapshotFailureRate : lossRate)) {
            dropped++;
            if (snapshot) {
                failures.snapshotFailed(envelope);
            }
            return;
        }
        int copies = !snapshot && random.nextDouble() < duplicateRate ? 2 : 1;
        duplicated += copies - 1;
        for (int i = 0; i < copies; i++) {
            long delay = maxDelay == 0 ? 0 : random.nextInt(maxDelay + 1);
            queue.add(new InFlight(now + 1 + delay, seq++, envelope));
        }
    }

    /** Messages due at {@code now}, in random order among those due together. */
    public List<Envelope> takeDue(long now) {
        List<Envelope> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().deliverAt <= now) {
            due.add(queue.poll().envelope);
        }
        for (int i = due.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Envelope t = due.get(i);
            due.set(i, due.get(j));
            due.set(j, t);
        }
        return due;
    }

    /** Whether a partition currently separates {@code a} and {@code b}. */
    public boolean separated(long a, long b) {
        return side.getOrDefault(a, 0).intValue() != side.getOrDefault(b, 0).intValue();
    }

    /** Records that {@code envelope} could not be delivered and tells its sender what a transport would. */
    public void dropAtDelivery(Envelope envelope) {
        dropped++;
        if (!envelope.snapshotData().isEmpty()) {
            failures.snapshotFailed(envelope);
        } else if (random.nextInt(4) == 0) {
            failures.unreachable(envelope);
        }
    }

    /**
     * Reports a delivered snapshot to its sender. Always: the runtime's snapshot sender reports every
     * transfer's outcome, and the core relies on it to leave the SNAPSHOT state (a follower's
     * acknowledgement may be lost, and heartbeat responses do not end that state).
     */
    public void delivered(Envelope envelope) {
        if (!envelope.snapshotData().isEmpty()) {
            failures.snapshotDelivered(envelope);
        }
    }

    /** Puts each node on a side; nodes on different sides can't talk. Unlisted nodes are on side 0. */
    public void partition(Map<Long, Integer> sides) {
        side.clear();
        side.putAll(sides);
    }

    public void heal() {
        side.clear();
    }

    public boolean partitioned() {
        return !side.isEmpty();
    }

    public Map<Long, Integer> sides() {
        return Map.copyOf(side);
    }

    public int inFlight() {
        return queue.size();
    }

    public long sent() {
        return sent;
    }

    public long dropped() {
        return dropped;
    }

    public long duplicated() {
        return duplicated;
    }
}
