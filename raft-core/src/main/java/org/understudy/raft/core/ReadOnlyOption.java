package org.understudy.raft.core;

/** How the leader confirms it is still the leader before serving a read index. */
public enum ReadOnlyOption {
    /** A heartbeat round acknowledged by a quorum (thesis §6.4). Always safe. */
    SAFE,
    /**
     * Trust the leader lease that CheckQuorum maintains (thesis §6.4.1): no extra round trip, but
     * correct only while clocks advance at similar rates. Refused unless CheckQuorum is on.
     */
    LEASE_BASED
}
