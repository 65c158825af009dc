package org.understudy.client.balancer;

/** What a request does, which decides where it may go and whether it may be repeated. */
public enum RequestKind {
    /** Changes state; only the leader applies it (a voter may forward it). */
    WRITE,
    /** A read that must see every write acknowledged before it began: served by voters. */
    LINEARIZABLE_READ,
    /** A read of whatever the answering member has applied; may be stale. */
    SERIALIZABLE_READ;

    /** Reads have no side effects, so repeating one after an ambiguous failure is always safe. */
    public boolean isRead() {
        return this != WRITE;
    }
}
