package org.understudy.raft.sim;

/**
 * What one simulation run did, for the summary lines (a run that violated a property throws
 * instead of returning).
 */
public record SimResult(
        long seed,
        SimProfile profile,
        long steps,
        long commandsCommitted,
        long confChangesCommitted,
        long crashes,
        long snapshotsInstalled,
        long snapshotsTaken,
        long elections,
        long readsServed,
        long raftErrors,
        long messagesSent,
        long settleSteps) {

    /** Sums runs (the seed and profile of the left operand are kept). */
    public SimResult plus(SimResult o) {
        return new SimResult(seed, profile, steps + o.steps, commandsCommitted + o.commandsCommitted,
                confChangesCommitted + o.confChangesCommitted, crashes + o.crashes,
                snapshotsInstalled + o.snapshotsInstalled, snapshotsTaken + o.snapshotsTaken, elections + o.elections,
                readsServed + o.readsServed, raftErrors + o.raftErrors, messagesSent + o.messagesSent,
                Math.max(settleSteps, o.settleSteps));
    }
}
