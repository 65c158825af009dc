package org.understudy.examples.kv.state;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.understudy.examples.kv.proto.KvResult;

/**
 * Remembers the results of the last {@code capacity} writes that carried a request id, so that a
 * client's retry of a write that did commit (its answer was lost, or the leader changed) returns
 * the first result instead of writing again.
 *
 * <p>Why bounded, and why this eviction rule: the table is part of the replicated state, so it must
 * be identical on every replica. A fixed capacity with the oldest id evicted in apply order depends
 * only on the log; anything based on time would not. A retry that arrives after its id was evicted
 * (100,000 later writes with ids) applies again, which is the price of bounded memory.
 *
 * <p>Apply thread only: not thread-safe.
 */
final class RequestDedupTable {
    /** The capacity of every replica's table; a constant so that replicas can not disagree. */
    static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    // Insertion order = apply order: the first entry is the one to evict.
    private final LinkedHashMap<RequestIdDigest, KvResult> results = new LinkedHashMap<>();

    RequestDedupTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return results.size();
    }

    /** The first result recorded for this id, if the table still holds it. */
    Optional<KvResult> find(RequestIdDigest id) {
        return Optional.ofNullable(results.get(id));
    }

    /**
     * Records the result of an id's first application, evicting the oldest id when full. Also used,
     * in snapshot order, to rebuild a table on restore (the newest {@code capacity} survive).
     *
     * @return false when the id was already present (the old result is kept)
     */
    boolean record(RequestIdDigest id, KvResult result) {
        if (results.putIfAbsent(id, result) != null) {
            return false;
        }
        if (results.size() > capacity) {
            Iterator<RequestIdDigest> oldest = results.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** The entries oldest first (read-only): the order a snapshot keeps so eviction continues the same. */
    Collection<Map.Entry<RequestIdDigest, KvResult>> oldestFirst() {
        return Collections.unmodifiableMap(results).entrySet();
    }
}
