package org.understudy.membership.policy;

import java.util.Map;
import java.util.TreeMap;
import org.understudy.raft.core.CoreStatus;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.Role;

/**
 * Estimates how fast each member closes its gap to the leader, and when it will be close enough to
 * be promoted — the "catch-up rate and estimated time to ready" of issue 5's member status, so an
 * operator waiting on a learner (the seed's Figure 10–11) knows whether to wait or to look for a
 * problem.
 *
 * <p>The rate is the decrease of the lag (leader's last index minus the member's match index) per
 * second: progress net of the leader's own growth. A learner replicating 900 entries/s behind a
 * leader writing 1000 entries/s falls behind at 100 entries/s (rate -100) and will never be ready,
 * which a plain "match index per second" would hide. Samples are smoothed with an exponentially
 * weighted moving average whose weight depends on the time between samples (time constant
 * {@code tauMillis}), so the estimate does not depend on how often the caller samples.
 *
 * <p>Pure: time is an argument. Not thread-safe: one caller drives it.
 */
public final class CatchUpEstimator {

    /** Default smoothing time constant: about the last 5 s weigh most. */
    public static final long DEFAULT_TAU_MILLIS = 5_000;

    private final long tauMillis;
    private final Map<Long, Track> tracks = new TreeMap<>();

    public CatchUpEstimator() {
        this(DEFAULT_TAU_MILLIS);
    }

    /** @param tauMillis the EWMA time constant: a sample {@code dt} after the last weighs {@code 1 - exp(-dt/tau)} */
    public CatchUpEstimator(long tauMillis) {
        if (tauMillis <= 0) {
            throw new IllegalArgumentException("tauMillis must be positive, got " + tauMillis);
        }
        this.tauMillis = tauMillis;
    }

    /**
     * Records one sample of every peer in a leader status (the leader itself excluded); forgets
     * members no longer in the status. A non-leader status carries no progress and changes nothing.
     */
    public void observe(CoreStatus status, long nowMillis) {
        if (status.role() != Role.LEADER) {
            return;
        }
        tracks.keySet().retainAll(status.progress().keySet());
        for (PeerProgress pr : status.progress().values()) {
            if (pr.id() != status.id()) {
                observe(pr.id(), nowMillis, pr.match(), status.lastIndex());
            }
        }
    }

    /**
     * Records one sample of one member.
     *
     * @throws IllegalArgumentException when time goes backwards for this member
     */
    public void observe(long id, long nowMillis, long matchIndex, long leaderLastIndex) {
        long lag = Math.max(0, leaderLastIndex - matchIndex);
        Track t = tracks.get(id);
        if (t == null) {
            tracks.put(id, new Track(nowMillis, lag));
            return;
        }
        if (nowMillis < t.lastMillis) {
            throw new IllegalArgumentException("time went backwards for member " + id + ": " + nowMillis + " < "
                    + t.lastMillis);
        }
        long dt = nowMillis - t.lastMillis;
        if (dt == 0) {
            t.lag = lag; // same instant: keep the latest lag, no rate information
            return;
        }
        double instant = (t.lag - lag) * 1000.0 / dt;
        if (Double.isNaN(t.rate)) {
            t.rate = instant;
        } else {
            double weight = 1.0 - Math.exp(-(double) dt / tauMillis);
            t.rate += weight * (instant - t.rate);
        }
        t.lastMillis = nowMillis;
        t.lag = lag;
    }

    /** Forgets a member (removed from the cluster). */
    public void forget(long id) {
        tracks.remove(id);
    }

    /**
     * The estimate for one member against a lag threshold (the learner is ready when {@code lag < threshold}).
     */
    public CatchUpEstimate estimate(long id, long threshold) {
        Track t = tracks.get(id);
        if (t == null) {
            return new CatchUpEstimate(CatchUpEstimate.Eta.UNKNOWN, Double.NaN, -1, -1);
        }
        if (t.lag < threshold) {
            return new CatchUpEstimate(CatchUpEstimate.Eta.READY, t.rate, 0, t.lag);
        }
        if (Double.isNaN(t.rate)) {
            return new CatchUpEstimate(CatchUpEstimate.Eta.UNKNOWN, Double.NaN, -1, t.lag);
        }
        if (t.rate <= 0) {
            return new CatchUpEstimate(CatchUpEstimate.Eta.NOT_CONVERGING, t.rate, -1, t.lag);
        }
        long toClose = t.lag - threshold + 1; // entries until lag == threshold - 1
        double millis = Math.ceil(toClose * 1000.0 / t.rate);
        long eta = millis >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) millis;
        return new CatchUpEstimate(CatchUpEstimate.Eta.CONVERGING, t.rate, eta, t.lag);
    }

    private static final class Track {
        long lastMillis;
        long lag;
        double rate = Double.NaN;

        Track(long lastMillis, long lag) {
            this.lastMillis = lastMillis;
            this.lag = lag;
        }
    }
}
