package org.understudy.raft.runtime;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.understudy.raft.core.Bootstrap;

/**
 * How a {@link RaftNode} begins when its storage is empty. A node whose storage already holds
 * state (a restart) ignores the mode: its log and snapshots say who the members are.
 */
public sealed interface StartMode permits StartMode.Found, StartMode.Join {

    /**
     * A founding member of a new cluster: on first start it writes the founding snapshot (see
     * {@link Bootstrap}) with these members. Every founder must be given the same sets.
     *
     * @param voters the founding voters (at least one); kept sorted
     * @param learners the founding learners (may be empty, disjoint from {@code voters})
     */
    record Found(Set<Long> voters, Set<Long> learners) implements StartMode {
        public Found {
            voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
            learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
            // Validates the sets (non-empty voters, no id 0, disjoint) with the core's own rules.
            Bootstrap.initialSnapshot(voters, learners);
        }
    }

    /**
     * A node that joins an existing cluster: it starts empty, never campaigns on its own (it has
     * no configuration), and waits for the leader to add it and send it a snapshot.
     */
    record Join() implements StartMode {}

    /** A founding member with these voters and learners. */
    static StartMode found(Collection<Long> voters, Collection<Long> learners) {
        return new Found(new TreeSet<>(voters), new TreeSet<>(learners));
    }

    /** A founding member of a cluster of voters only. */
    static StartMode found(Collection<Long> voters) {
        return found(voters, Set.of());
    }

    /** A node that joins an existing cluster. */
    static StartMode join() {
        return new Join();
    }
}
