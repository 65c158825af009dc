package org.understudy.bench.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.understudy.raft.core.Role;
import org.understudy.raft.proto.RaftMessage;

/**
 * A few {@link CoreNode}s that deliver their messages to each other at once, on the caller's
 * thread, until nothing moves: just enough of a network to elect a leader before a core benchmark,
 * which then drives one of the cores alone.
 */
final class CoreGroup {
    /** The node that campaigns, and so leads. */
    static final long LEADER = 1;
    /** A group that has not settled after this many deliveries is broken, not slow. */
    private static final int MAX_DELIVERIES = 100_000;

    private final Map<Long, CoreNode> nodes = new TreeMap<>();

    private CoreGroup(int voters) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= voters; id++) {
            ids.add(id);
        }
        for (long id : ids) {
            nodes.put(id, new CoreNode(id, ids));
        }
    }

    /**
     * A group of {@code voters} founding voters in which node {@value #LEADER} campaigned and won,
     * and every node has settled: the leader's entry of its term is committed and applied
     * everywhere, and every follower is in the leader's term and replicating.
     */
    static CoreGroup elected(int voters) {
        CoreGroup group = new CoreGroup(voters);
        group.node(LEADER).core.campaign();
        group.settle();
        // A follower whose acknowledgement arrived after the commit (its progress was still probing)
        // learns the commit index only from the next heartbeat, as in any Raft: one tick sends it.
        group.node(LEADER).core.tick();
        group.settle();
        CoreNode leader = group.node(LEADER);
        if (leader.core.role() != Role.LEADER || leader.core.commitIndex() != leader.core.lastIndex()) {
            throw new IllegalStateException("node " + LEADER + " did not become a leader with its entry committed: "
                    + leader.core);
        }
        for (CoreNode n : group.nodes.values()) {
            if (n.core.leaderId() != LEADER || n.core.term() != leader.core.term()
                    || n.core.appliedIndex() != leader.core.lastIndex()) {
                throw new IllegalStateException("node " + n.id + " did not settle behind the leader: " + n.core);
            }
        }
        return group;
    }

    CoreNode node(long id) {
        return nodes.get(id);
    }

    /** Handles every Ready and delivers every message, in order, until no node has anything left. */
    void settle() {
        ArrayDeque<RaftMessage> inFlight = new ArrayDeque<>();
        List<RaftMessage> out = new ArrayList<>();
        for (CoreNode n : nodes.values()) {
            n.handleReadies(out);
        }
        inFlight.addAll(out);
        int deliveries = 0;
        while (!inFlight.isEmpty()) {
            if (++deliveries > MAX_DELIVERIES) {
                throw new IllegalStateException("the group did not settle within " + MAX_DELIVERIES + " messages");
            }
            RaftMessage m = inFlight.poll();
            CoreNode to = nodes.get(m.getTo());
            if (to == null) {
                continue;
            }
            to.core.step(m);
            out.clear();
            to.handleReadies(out);
            inFlight.addAll(out);
        }
    }
}
