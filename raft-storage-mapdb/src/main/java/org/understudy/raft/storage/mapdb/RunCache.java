package org.understudy.raft.storage.mapdb;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recently appended or read {@link Run}s on the heap (each its record's raw bytes, entries
 * parsed when first read), at most {@code budget} bytes of them by {@link Run#weight()} (least
 * recently used go first), so replication reads of the tail, and {@code term(i)} near it,
 * neither read a value segment nor wait for MapDB, whose commit holds every one of its locks
 * for the length of a memory copy and an fsync.
 *
 * <p>The writer adds what it appends and removes what it truncates or compacts; readers offer
 * what they read. A reader's offer carries the {@link #generation()} it saw before reading
 * MapDB and is dropped if the writer invalidated anything since, so a run read just before a
 * truncation never comes back into the cache afterwards.
 */
final class RunCache {

    private final long budget;
    private final TreeMap<Long, Run> byFirst = new TreeMap<>();
    private final LinkedHashMap<Long, Run> byUse = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long generation;

    RunCache(long budget) {
        this.budget = budget;
    }

    /** The cached run holding {@code index}, or {@code null}. */
    synchronized Run find(long index) {
        if (budget == 0) {
            return null;
        }
        Map.Entry<Long, Run> e = byFirst.floorEntry(index);
        if (e == null || !e.getValue().contains(index)) {
            return null;
        }
        byUse.get(e.getKey()); // marks it used
        return e.getValue();
    }

    synchronized long generation() {
        return generation;
    }

    /** A reader's run, cached only if nothing was invalidated since {@code seenGeneration}. */
    synchronized void offer(long seenGeneration, Run run) {
        if (seenGeneration == generation) {
            insert(run);
        }
    }

    /** The writer's freshly appended run. */
    synchronized void add(Run run) {
        insert(run);
    }

    /** Forgets every run holding an index at or after {@code index}. */
    synchronized void invalidateFrom(long index) {
        generation++;
        Map.Entry<Long, Run> holder = byFirst.floorEntry(index);
        if (holder != null && holder.getValue().last() >= index) {
            remove(holder.getKey());
        }
        while (!byFirst.isEmpty() && byFirst.lastKey() >= index) {
            remove(byFirst.lastKey());
        }
    }

    /** Forgets every run holding an index at or before {@code index}. */
    synchronized void invalidateThrough(long index) {
        generation++;
        while (!byFirst.isEmpty() && byFirst.firstKey() <= index) {
            remove(byFirst.firstKey());
        }
    }

    synchronized void clear() {
        generation++;
        byFirst.clear();
        byUse.clear();
        bytes = 0;
    }

    synchronized long bytes() {
        return bytes;
    }

    private void insert(Run run) {
        if (run.weight() > budget) {
            return;
        }
        Run old = byFirst.get(run.first());
        if (old != null) {
            remove(run.first());
        }
        byFirst.put(run.first(), run);
        byUse.put(run.first(), run);
        bytes += run.weight();
        Iterator<Map.Entry<Long, Run>> eldest = byUse.entrySet().iterator();
        while (bytes > budget && eldest.hasNext()) {
            Map.Entry<Long, Run> e = eldest.next();
            eldest.remove();
            byFirst.remove(e.getKey());
            bytes -= e.getValue().weight();
        }
    }

    private void remove(long first) {
        Run r = byFirst.remove(first);
        if (r != null) {
            byUse.remove(first);
            bytes -= r.weight();
        }
    }
}
