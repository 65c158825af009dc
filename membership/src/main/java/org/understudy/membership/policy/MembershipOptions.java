package org.understudy.membership.policy;

import java.util.Objects;
import org.understudy.raft.NodeIdFormat;

/**
 * The operator's knobs for the learner lifecycle (DESIGN.md §4). Immutable; build with
 * {@link #builder()}. Every default is chosen so that nothing happens behind the operator's back:
 * automatic promotion, standby failover and the removal of stale learners are all off until asked
 * for (§4 rule 6: "automatic promotion is a leader-side policy with operator thresholds, off by
 * default").
 *
 * <p>All times are in milliseconds. Values are checked when built; a bad value fails with an
 * {@link IllegalArgumentException} naming the option and the allowed range. The one rule that
 * needs the Raft election timeout ({@code failoverAfterMillis >= 3 x election timeout}) is checked
 * by {@link #validateFor(long)}, which the service calls once the node's timing is known.
 */
public final class MembershipOptions {

    /** Default {@link #snapshotCount()}: the same as raft-core's {@code RaftNodeOptions} default. */
    public static final long DEFAULT_SNAPSHOT_COUNT = 10_000;
    /** Default {@link #maxLearners()}: one, as etcd does, because every learner costs the leader a full copy of the log. */
    public static final int DEFAULT_MAX_LEARNERS = 1;
    /** Default {@link #stabilizationMillis()}: 10 s caught up before an automatic promotion. */
    public static final long DEFAULT_STABILIZATION_MILLIS = 10_000;
    /** Default {@link #promotionBackoffMinMillis()}: 1 s after the first refused automatic promotion. */
    public static final long DEFAULT_BACKOFF_MIN_MILLIS = 1_000;
    /** Default {@link #promotionBackoffMaxMillis()}: the back-off doubles up to 60 s. */
    public static final long DEFAULT_BACKOFF_MAX_MILLIS = 60_000;
    /** Default {@link #failoverAfterMillis()}: 30 s unreachable before a standby replaces a voter. */
    public static final long DEFAULT_FAILOVER_AFTER_MILLIS = 30_000;
    /** Default {@link #failoverCooldownMillis()}: 60 s between two failovers. */
    public static final long DEFAULT_FAILOVER_COOLDOWN_MILLIS = 60_000;
    /** Default {@link #staleLearnerAfterMillis()}: 5 min unheard before a learner is reported stale. */
    public static final long DEFAULT_STALE_LEARNER_AFTER_MILLIS = 300_000;
    /** Default {@link #tickMillis()}: the runtime evaluates the policies every 100 ms. */
    public static final long DEFAULT_TICK_MILLIS = 100;
    /** {@link #failoverAfterMillis()} must be at least this many election timeouts. */
    public static final int MIN_FAILOVER_ELECTION_TIMEOUTS = 3;

    private final long snapshotCount;
    private final int maxLearners;
    private final long promoteMaxLag;
    private final boolean autoPromotion;
    private final long stabilizationMillis;
    private final long promotionBackoffMinMillis;
    private final long promotionBackoffMaxMillis;
    private final boolean standbyFailover;
    private final long failoverAfterMillis;
    private final long failoverCooldownMillis;
    private final long staleLearnerAfterMillis;
    private final boolean removeStaleLearners;
    private final boolean learnerLinearizableReads;
    private final long tickMillis;
    private final NodeIdFormat idFormat;

    private MembershipOptions(Builder b) {
        this.snapshotCount = b.snapshotCount;
        this.maxLearners = b.maxLearners;
        this.promoteMaxLag = b.promoteMaxLag != null ? b.promoteMaxLag : defaultPromoteMaxLag(b.snapshotCount);
        this.autoPromotion = b.autoPromotion;
        this.stabilizationMillis = b.stabilizationMillis;
        this.promotionBackoffMinMillis = b.promotionBackoffMinMillis;
        this.promotionBackoffMaxMillis = b.promotionBackoffMaxMillis;
        this.standbyFailover = b.standbyFailover;
        this.failoverAfterMillis = b.failoverAfterMillis;
        this.failoverCooldownMillis = b.failoverCooldownMillis;
        this.staleLearnerAfterMillis = b.staleLearnerAfterMillis;
        this.removeStaleLearners = b.removeStaleLearners;
        this.learnerLinearizableReads = b.learnerLinearizableReads;
        this.tickMillis = b.tickMillis;
        this.idFormat = b.idFormat;
    }

    /** The options with every default. */
    public static MembershipOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.snapshotCount = snapshotCount;
        b.maxLearners = maxLearners;
        b.promoteMaxLag = promoteMaxLag;
        b.autoPromotion = autoPromotion;
        b.stabilizationMillis = stabilizationMillis;
        b.promotionBackoffMinMillis = promotionBackoffMinMillis;
        b.promotionBackoffMaxMillis = promotionBackoffMaxMillis;
        b.standbyFailover = standbyFailover;
        b.failoverAfterMillis = failoverAfterMillis;
        b.failoverCooldownMillis = failoverCooldownMillis;
        b.staleLearnerAfterMillis = staleLearnerAfterMillis;
        b.removeStaleLearners = removeStaleLearners;
        b.learnerLinearizableReads = learnerLinearizableReads;
        b.tickMillis = tickMillis;
        b.idFormat = idFormat;
        return b;
    }

    /**
     * The seed's rule: a learner may be promoted when fewer than a tenth of a snapshot interval of
     * entries remain to be replicated, so that the leader is unlikely to need to send it a snapshot
     * right after promotion. Never below 1 (a threshold of 0 would refuse every promotion).
     */
    static long defaultPromoteMaxLag(long snapshotCount) {
        return Math.max(1, snapshotCount / 10);
    }

    /**
     * Checks the rules that depend on the node's Raft timing.
     *
     * <p>{@code failoverAfterMillis} must be at least {@value #MIN_FAILOVER_ELECTION_TIMEOUTS}
     * election timeouts when standby failover is enabled: a voter that is merely slow, or that
     * missed a few heartbeats during a leader change, must never be replaced (the issue: "never
     * for a voter that was only briefly slow"). When failover is off the value is unused and not
     * checked, so a cluster with a long election timeout does not have to tune an option it does
     * not use.
     *
     * @param electionTimeoutMillis the base election timeout ({@code electionTick x tickMillis})
     * @return this, for chaining
     * @throws IllegalArgumentException when a rule is broken, naming the values
     */
    public MembershipOptions validateFor(long electionTimeoutMillis) {
        if (electionTimeoutMillis <= 0) {
            throw new IllegalArgumentException("electionTimeoutMillis must be positive, got " + electionTimeoutMillis);
        }
        long min = electionTimeoutMillis > Long.MAX_VALUE / MIN_FAILOVER_ELECTION_TIMEOUTS
                ? Long.MAX_VALUE : electionTimeoutMillis * MIN_FAILOVER_ELECTION_TIMEOUTS;
        if (standbyFailover && failoverAfterMillis < min) {
            throw new IllegalArgumentException("failoverAfterMillis (" + failoverAfterMillis + ") must be at least "
                    + MIN_FAILOVER_ELECTION_TIMEOUTS + " election timeouts (" + min + " ms with an election timeout of "
                    + electionTimeoutMillis + " ms), so that a briefly slow voter is never replaced");
        }
        return this;
    }

    /** The Raft snapshot interval in entries that {@link #promoteMaxLag()} defaults from (default {@value #DEFAULT_SNAPSHOT_COUNT}). */
    public long snapshotCount() {
        return snapshotCount;
    }

    /** How many learners the cluster may have at once (default {@value #DEFAULT_MAX_LEARNERS}; §4 rule 4). */
    public int maxLearners() {
        return maxLearners;
    }

    /**
     * A learner lagging this many entries or more is not promoted (§4 rule 5). Default:
     * {@code max(1, snapshotCount / 10)}, i.e. 1000 with the default snapshot count.
     */
    public long promoteMaxLag() {
        return promoteMaxLag;
    }

    /** Whether the leader promotes learners marked {@code auto_promote} by itself (default false; §4 rule 6). */
    public boolean autoPromotion() {
        return autoPromotion;
    }

    /**
     * How long a learner must stay caught up and reachable, without interruption, before it is
     * promoted automatically (default {@value #DEFAULT_STABILIZATION_MILLIS} ms).
     */
    public long stabilizationMillis() {
        return stabilizationMillis;
    }

    /** The first wait after a refused or failed automatic promotion (default {@value #DEFAULT_BACKOFF_MIN_MILLIS} ms). */
    public long promotionBackoffMinMillis() {
        return promotionBackoffMinMillis;
    }

    /** The longest wait between automatic promotion attempts (default {@value #DEFAULT_BACKOFF_MAX_MILLIS} ms). */
    public long promotionBackoffMaxMillis() {
        return promotionBackoffMaxMillis;
    }

    /** Whether a standby learner replaces a voter that stays unreachable (default false). */
    public boolean standbyFailover() {
        return standbyFailover;
    }

    /**
     * How long a voter must be unreachable without interruption before a standby replaces it
     * (default {@value #DEFAULT_FAILOVER_AFTER_MILLIS} ms; at least 3 election timeouts, see
     * {@link #validateFor(long)}).
     */
    public long failoverAfterMillis() {
        return failoverAfterMillis;
    }

    /** The minimum time between the end of one failover and the start of the next (default {@value #DEFAULT_FAILOVER_COOLDOWN_MILLIS} ms). */
    public long failoverCooldownMillis() {
        return failoverCooldownMillis;
    }

    /** A learner unheard of for this long is reported stale (default {@value #DEFAULT_STALE_LEARNER_AFTER_MILLIS} ms). */
    public long staleLearnerAfterMillis() {
        return staleLearnerAfterMillis;
    }

    /**
     * Whether stale learners are removed automatically (default false). Removing a learner never
     * changes the quorum (§4 rule 10), so this is safe; it is off only because it deletes a member
     * the operator added.
     */
    public boolean removeStaleLearners() {
        return removeStaleLearners;
    }

    /**
     * Whether a learner serves linearizable reads by asking the leader for a read index (the seed's
     * "strong consistency mode"; default false: a learner answers them with UNSUPPORTED_ON_LEARNER,
     * §4 rule 7).
     */
    public boolean learnerLinearizableReads() {
        return learnerLinearizableReads;
    }

    /** How often the runtime evaluates the policies (default {@value #DEFAULT_TICK_MILLIS} ms). */
    public long tickMillis() {
        return tickMillis;
    }

    /**
     * How the sentences meant for people write member ids: refusals' messages, policy reasons,
     * events and log lines (default {@link NodeIdFormat#DECIMAL}). An application that shows ids in
     * another spelling passes it here, and to raft-core's {@code RaftConfig.idFormat} for the errors
     * that come from the node. Error codes and detail values are not affected.
     */
    public NodeIdFormat idFormat() {
        return idFormat;
    }

    @Override
    public String toString() {
        return "MembershipOptions{snapshotCount=" + snapshotCount + ", maxLearners=" + maxLearners
                + ", promoteMaxLag=" + promoteMaxLag + ", autoPromotion=" + autoPromotion
                + ", stabilizationMillis=" + stabilizationMillis + ", promotionBackoff=" + promotionBackoffMinMillis
                + ".." + promotionBackoffMaxMillis + ", standbyFailover=" + standbyFailover
                + ", failoverAfterMillis=" + failoverAfterMillis + ", failoverCooldownMillis=" + failoverCooldownMillis
                + ", staleLearnerAfterMillis=" + staleLearnerAfterMillis + ", removeStaleLearners="
                + removeStaleLearners + ", learnerLinearizableReads=" + learnerLinearizableReads
                + ", tickMillis=" + tickMillis + ", idFormat=" + idFormat + "}";
    }

    /** Collects options; {@link #build()} checks them. Every setter documents its option's default on the getter. */
    public static final class Builder {
        private long snapshotCount = DEFAULT_SNAPSHOT_COUNT;
        private int maxLearners = DEFAULT_MAX_LEARNERS;
        private Long promoteMaxLag; // null: derived from snapshotCount
        private boolean autoPromotion;
        private long stabilizationMillis = DEFAULT_STABILIZATION_MILLIS;
        private long promotionBackoffMinMillis = DEFAULT_BACKOFF_MIN_MILLIS;
        private long promotionBackoffMaxMillis = DEFAULT_BACKOFF_MAX_MILLIS;
        private boolean standbyFailover;
        private long failoverAfterMillis = DEFAULT_FAILOVER_AFTER_MILLIS;
        private long failoverCooldownMillis = DEFAULT_FAILOVER_COOLDOWN_MILLIS;
        private long staleLearnerAfterMillis = DEFAULT_STALE_LEARNER_AFTER_MILLIS;
        private boolean removeStaleLearners;
        private boolean learnerLinearizableReads;
        private long tickMillis = DEFAULT_TICK_MILLIS;
        private NodeIdFormat idFormat = NodeIdFormat.DECIMAL;

        private Builder() {}

        /**
         * The node's snapshot interval; {@link #promoteMaxLag()} defaults to a tenth of it unless
         * {@link #promoteMaxLag(long)} is set explicitly.
         */
        public Builder snapshotCount(long v) {
            this.snapshotCount = v;
            return this;
        }

        public Builder maxLearners(int v) {
            this.maxLearners = v;
            return this;
        }

        /** Sets the promotion lag threshold explicitly, overriding the {@code snapshotCount / 10} default. */
        public Builder promoteMaxLag(long v) {
            this.promoteMaxLag = v;
            return this;
        }

        public Builder autoPromotion(boolean v) {
            this.autoPromotion = v;
            return this;
        }

        public Builder stabilizationMillis(long v) {
            this.stabilizationMillis = v;
            return this;
        }

        /** The automatic promotion back-off: starts at {@code minMillis}, doubles up to {@code maxMillis}. */
        public Builder promotionBackoff(long minMillis, long maxMillis) {
            this.promotionBackoffMinMillis = minMillis;
            this.promotionBackoffMaxMillis = maxMillis;
            return this;
        }

        public Builder standbyFailover(boolean v) {
            this.standbyFailover = v;
            return this;
        }

        public Builder failoverAfterMillis(long v) {
            this.failoverAfterMillis = v;
            return this;
        }

        public Builder failoverCooldownMillis(long v) {
            this.failoverCooldownMillis = v;
            return this;
        }

        public Builder staleLearnerAfterMillis(long v) {
            this.staleLearnerAfterMillis = v;
            return this;
        }

        public Builder removeStaleLearners(boolean v) {
            this.removeStaleLearners = v;
            return this;
        }

        public Builder learnerLinearizableReads(boolean v) {
            this.learnerLinearizableReads = v;
            return this;
        }

        public Builder tickMillis(long v) {
            this.tickMillis = v;
            return this;
        }

        public Builder idFormat(NodeIdFormat v) {
            this.idFormat = Objects.requireNonNull(v, "idFormat");
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first option out of range and its allowed range
         */
        public MembershipOptions build() {
            requireAtLeast("snapshotCount", snapshotCount, 1);
            requireAtLeast("maxLearners", maxLearners, 0);
            if (promoteMaxLag != null) {
                requireAtLeast("promoteMaxLag", promoteMaxLag, 1);
            }
            requireAtLeast("stabilizationMillis", stabilizationMillis, 0);
            requireAtLeast("promotionBackoff min", promotionBackoffMinMillis, 1);
            if (promotionBackoffMaxMillis < promotionBackoffMinMillis) {
                throw new IllegalArgumentException("promotionBackoff max (" + promotionBackoffMaxMillis
                        + " ms) must be at least its min (" + promotionBackoffMinMillis + " ms)");
            }
            requireAtLeast("failoverAfterMillis", failoverAfterMillis, 1);
            requireAtLeast("failoverCooldownMillis", failoverCooldownMillis, 0);
            requireAtLeast("staleLearnerAfterMillis", staleLearnerAfterMillis, 1);
            requireAtLeast("tickMillis", tickMillis, 1);
            return new MembershipOptions(this);
        }

        private static void requireAtLeast(String name, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
            }
        }
    }
}
