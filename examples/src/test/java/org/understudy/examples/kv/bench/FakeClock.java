package org.understudy.examples.kv.bench;

/** A {@link NanoClock} that moves only when told: waiting jumps to the moment waited for. */
final class FakeClock implements NanoClock {
    private long now;

    FakeClock(long start) {
        this.now = start;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void sleepUntil(long deadline) {
        now = Math.max(now, deadline);
    }

    synchronized void advance(long nanos) {
        now += nanos;
    }
}
