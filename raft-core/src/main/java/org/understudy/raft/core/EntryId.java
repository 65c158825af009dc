package org.understudy.raft.core;

/**
 * The position of an entry: its term and index. A proposal is known to have committed only if
 * the entry applied at {@code index} has this {@code term}; any other term means it was lost to a
 * leader change and may be retried.
 */
public record EntryId(long term, long index) {}
