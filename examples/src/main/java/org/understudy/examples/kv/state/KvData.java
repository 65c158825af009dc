package org.understudy.examples.kv.state;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and the applied index, held together so that a restore can swap both at once: readers
 * reach them through one volatile reference in {@link KvStateMachine}, so they see either the old
 * state or the restored one, never a mix.
 *
 * <p>A concurrent map because readers run on client threads while the apply thread writes; only
 * the apply thread ever writes.
 */
final class KvData {
    private final ConcurrentHashMap<String, KvEntry> entries;
    private volatile long appliedIndex;

    KvData(ConcurrentHashMap<String, KvEntry> entries, long appliedIndex) {
        this.entries = entries;
        this.appliedIndex = appliedIndex;
    }

    static KvData empty() {
        return new KvData(new ConcurrentHashMap<>(), 0);
    }

    /** The live map: written by the apply thread only, read from any thread. */
    ConcurrentHashMap<String, KvEntry> entries() {
        return entries;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    /** Apply thread only, after the entry's change to the map (the volatile write publishes it). */
    void appliedTo(long index) {
        appliedIndex = index;
    }
}
