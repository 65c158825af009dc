package org.understudy.examples.kv.bench;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Counts leader changes as the client sees them: each look at the current leader (the balancer's
 * member view, which follows {@code NOT_LEADER} hints and member syncs) that finds a known leader
 * other than the last one known. A change and its reversal between two looks go unseen, so this is
 * a lower bound; looking costs nothing (no request), hence once a second.
 */
public final class LeaderChanges {
    private final Supplier<Optional<String>> leader;
    private String last;
    private long changes;

    public LeaderChanges(Supplier<Optional<String>> leader) {
        this.leader = Objects.requireNonNull(leader, "leader");
    }

    /** Looks at the leader now; returns the changes counted so far. */
    public synchronized long observe() {
        Optional<String> now = leader.get();
        if (now.isPresent()) {
            if (last != null && !last.equals(now.get())) {
                changes++;
            }
            last = now.get();
        }
        return changes;
    }
}
