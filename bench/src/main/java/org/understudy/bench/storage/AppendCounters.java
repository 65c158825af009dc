package org.understudy.bench.storage;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary results of {@link AppendSyncBenchmark}: JMH reports each public field as a rate
 * beside the primary score (batches per second), so entries/s and bytes/s appear in the same
 * output. Bytes are payload bytes (the entry's data), the same for the baseline and every engine.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class AppendCounters {

    /** Entries appended and synced in this iteration. */
    public long entries;

    /** Payload bytes appended and synced in this iteration. */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        entries = 0;
        bytes = 0;
    }
}
