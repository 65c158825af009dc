package org.understudy.membership.policy;

import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;

/**
 * Which members the leader counts as reachable when it decides a membership change. An interface
 * because there are two answers: the raw {@code recentActive} flags of one status
 * ({@link #fromFlags}), and a view smoothed over time ({@link ContactTracker#liveness}) that does
 * not flicker when the core clears the flags at each election timeout.
 */
public interface Liveness {

    /** Whether the member counts as heard from within an election timeout. */
    boolean isActive(long id);

    /** Milliseconds since the member was last seen active, 0 when active now, -1 when unknown. */
    default long lastContactMillis(long id) {
        return -1;
    }

    /**
     * The flags of one leader status as they are: {@code recentActive} for peers, and always
     * active for the leader itself (it is up by definition, and counts itself in every quorum).
     */
    static Liveness fromFlags(CoreStatus status) {
        return new Liveness() {
            @Override
            public boolean isActive(long id) {
                if (id == status.id()) {
                    return true;
                }
                PeerProgress pr = status.progress().get(id);
                return pr != null && pr.recentActive();
            }

            @Override
            public long lastContactMillis(long id) {
                return isActive(id) ? 0 : -1;
            }
        };
    }
}
