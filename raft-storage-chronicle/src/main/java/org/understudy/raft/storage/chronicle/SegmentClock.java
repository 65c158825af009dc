package org.understudy.raft.storage.chronicle;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;

/**
 * The clock Chronicle rolls by, turned into a segment counter so that the log rolls by size.
 *
 * <p>Chronicle starts a new file (a "cycle") when its clock enters the next roll period. Raft wants
 * files of a bounded size instead, whatever the time: prefix compaction can only give back whole
 * files, so an hourly file under a heavy load could hold tens of gigabytes that a snapshot has long
 * made useless. So the queue runs on this clock, which says "cycle N" until the writer decides the
 * current segment is full and {@link #advance() advances} it. Chronicle's file names then count
 * segments (cycle N of the daily pattern from 1970-01-01 is day N), not dates.
 */
final class SegmentClock implements TimeProvider {

    private final long cycleMillis;
    private volatile int cycle;

    SegmentClock(RollCycle rollCycle, int cycle) {
        this.cycleMillis = rollCycle.lengthInMillis();
        this.cycle = cycle;
    }

    @Override
    public long currentTimeMillis() {
        // The middle of the period, so no rounding at a boundary can pick the neighbouring cycle.
        return cycle * cycleMillis + cycleMillis / 2;
    }

    int cycle() {
        return cycle;
    }

    /** Points the clock at an existing segment (on open, the last one). */
    void set(int cycle) {
        this.cycle = cycle;
    }

    /** Moves to the next segment; the next append creates its file. Called by the one writer only. */
    void advance() {
        cycle = cycle + 1;
    }
}
