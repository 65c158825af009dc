package org.understudy.membership.policy;

import org.understudy.membership.registry.ConfView;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;

/**
 * Remembers, from a series of leader status samples, when each member was last seen active and
 * since when it has been silent. Pure: time is the {@code nowMillis} argument; nothing runs by itself.
 *
 * <p>Why not just read {@code recentActive}: with CheckQuorum the core clears every peer's flag at
 * each election timeout and sets it again on the peer's next response, so a healthy peer reads
 * "inactive" for about a heartbeat interval once per election timeout. A policy that demands
 * "active continuously" (automatic promotion) would then almost never fire, and a promote request
 * landing in that gap would be refused for nothing. So a member counts as active while it was seen
 * active within the last {@code graceMillis} (the election timeout: "heard from within an election
 * timeout", §4 rule 5). Silence, on the other hand, is measured from the first sample that found the
 * flag cleared: any active sample ends it, so a brief pause never adds up to "down" (standby failover,
 * stale learners).
 *
 * <p>Samples belong to one leadership: when the node is not the leader, or a new term starts, all
 * history is dropped (the new leader's flags start fresh, and another node's view is not ours).
 * That only ever delays a decision, never hastens one.
 */
public final class ContactTracker {

    private final long graceMillis;
    private final Map<Long, Contact> contacts = new TreeMap<>();
    private long selfId;
    private long term = -1;
    private long lastSampleMillis = Long.MIN_VALUE;

    /** @param graceMillis how long a member counts as active after it was last seen active: the election timeout */
    public ContactTracker(long graceMillis) {
        if (graceMillis < 0) {
            throw new IllegalArgumentException("graceMillis must not be negative, got " + graceMillis);
        }
        this.graceMillis = graceMillis;
    }

    /**
     * Records one status sample.
     *
     * @throws IllegalArgumentException when {@code nowMillis} goes backwards (use a monotonic clock)
     */
    public void observe(CoreStatus status, long nowMillis) {
        if (nowMillis < lastSampleMillis) {
            throw new IllegalArgumentException("time went backwards: " + nowMillis + " < " + lastSampleMillis
                    + "; pass a monotonic clock");
        }
        lastSampleMillis = nowMillis;
        if (status.role() != Role.LEADER || status.term() != term || status.id() != selfId) {
            contacts.clear();
            term = status.role() == Role.LEADER ? status.term() : -1;
            selfId = status.id();
            if (status.role() != Role.LEADER) {
                return;
            }
        }
        Set<Long> present = new HashSet<>(ConfView.of(status.confState()).members());
        present.addAll(status.progress().keySet());
        contacts.keySet().retainAll(present);
        for (long id : present) {
            PeerProgress pr = status.progress().get(id);
            Contact c = contacts.computeIfAbsent(id, k -> new Contact());
            // The core marks a peer it has just added as recently active (as etcd-io/raft does, so
            // that CheckQuorum does not count a new peer against the leader at once). That is not
            // having heard from it: a learner that was never started would look healthy for an
            // election timeout and could be promoted (seed figure 7). So the flag counts only once
            // the peer is confirmed: it acknowledged an append (match > 0), or the flag was seen
            // set again after being seen cleared (a response since CheckQuorum cleared it).
            boolean flag = pr != null && pr.recentActive();
            if (pr != null && (pr.match() > 0 || (flag && c.sawCleared))) {
                c.confirmed = true;
            }
            if (!flag) {
                c.sawCleared = true;
            }
            boolean active = id == status.id() || (flag && c.confirmed);
            if (active) {
                c.lastActiveAt = nowMillis;
                c.silentSince = -1;
            } else if (c.silentSince == -1) {
                c.silentSince = nowMillis;
            }
        }
    }

    /** Whether the tracker has samples of a leadership (false before the first leader sample). */
    public boolean tracking() {
        return term != -1;
    }

    /** Milliseconds since the member was last seen active: 0 when the last sample found it active, -1 when never seen active. */
    public long lastContactMillis(long id, long nowMillis) {
        Contact c = contacts.get(id);
        if (c == null || c.lastActiveAt == -1) {
            return -1;
        }
        return Math.max(0, nowMillis - c.lastActiveAt);
    }

    /** When the member's current silence began (the first inactive sample after the last active one), or -1 when not silent or unknown. */
    public long silentSince(long id) {
        Contact c = contacts.get(id);
        return c == null ? -1 : c.silentSince;
    }

    /** How long the member has been silent without interruption; 0 when it is not silent or unknown. */
    public long silentForMillis(long id, long nowMillis) {
        long since = silentSince(id);
        return since == -1 ? 0 : Math.max(0, nowMillis - since);
    }

    /** The smoothed view at {@code nowMillis}: active when seen active within the grace period. */
    public Liveness liveness(long nowMillis) {
        long self = selfId;
        boolean leading = term != -1;
        Map<Long, Long> lastActive = new TreeMap<>();
        contacts.forEach((id, c) -> lastActive.put(id, c.lastActiveAt));
        return new Liveness() {
            @Override
            public boolean isActive(long id) {
                if (leading && id == self) {
                    return true;
                }
                Long at = lastActive.get(id);
                return at != null && at != -1 && nowMillis - at <= graceMillis;
            }

            @Override
            public long lastContactMillis(long id) {
                Long at = lastActive.get(id);
                return at == null || at == -1 ? -1 : Math.max(0, nowMillis - at);
            }
        };
    }

    private static final class Contact {
        long lastActiveAt = -1;
        long silentSince = -1;
        /** Some sample found the peer's flag cleared. */
        boolean sawCleared;
        /** The peer has answered this leadership (see {@link #observe}). */
        boolean confirmed;
    }
}
