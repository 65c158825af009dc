package org.understudy.examples.kv.state;

import java.util.Optional;

/**
 * The read side of the store, for the threads that serve clients while the apply thread writes.
 * Every method is thread-safe and never blocks on the apply thread.
 *
 * <p>What a reader may rely on: the apply thread changes the data of an entry before it publishes
 * that entry's index, so a reader that sees {@code appliedIndex() >= i} then sees every write up to
 * {@code i} (what a linearizable read waits for after a read index). A restored snapshot replaces
 * the data and the index together, at once.
 */
public interface KvReadView {

    /** The key's value and revision as last applied; empty when absent. */
    Optional<KvEntry> get(String key);

    /** The number of keys. */
    long size();

    /** The Raft index of the last entry applied (or the index of the restored snapshot). */
    long appliedIndex();
}
