package org.understudy.raft.core.quorum;

/**
 * Tells the quorum math how far each voter's log is known to match the leader's.
 *
 * <p>Kept as a function rather than a map so the leader can answer straight from its progress
 * table without building a collection on every append response.
 */
@FunctionalInterface
public interface AckedIndexer {

    /**
     * @return the highest log index the voter has acknowledged, or 0 if it acknowledged nothing
     *     or is unknown
     */
    long ackedIndex(long voterId);
}
