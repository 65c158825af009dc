package org.understudy.raft.core;

/**
 * The answer to {@link RaftCore#readIndex(long)}: once the state machine has applied {@code index},
 * a read that started before the request sees every write acknowledged before it (thesis §6.4).
 * An {@code index} of 0 means the read index was refused (no leader, or the leader lost its
 * leadership); the caller may retry.
 */
public record ReadState(long requestId, long index) {
    public boolean refused() {
        return index == 0;
    }
}
