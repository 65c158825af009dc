package org.understudy.membership.service;

import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.understudy.membership.policy.MembershipOptions;
import org.understudy.membership.spi.LeaderForwarder;
import org.understudy.membership.spi.RaftGroup;

/**
 * Builds a {@link MembershipService}. Defaults: options with every default but the snapshot count,
 * taken from the group (so the promotion threshold is {@code snapshotCount / 10}); no forwarding
 * (a follower answers {@code NOT_LEADER} with the leader hint); a monotonic clock; member ids from a
 * {@link SecureRandom}-seeded generator; no metrics registry.
 */
public final class MembershipServiceBuilder {

    private final RaftGroup group;
    private MembershipOptions options;
    private LeaderForwarder forwarder; // null: LeaderForwarder.none() in the options' id format
    private LongSupplier clock = MembershipServiceBuilder::monotonicMillis;
    private LongSupplier ids;
    private MeterRegistry meterRegistry;

    MembershipServiceBuilder(RaftGroup group) {
        this.group = Objects.requireNonNull(group, "group");
    }

    public MembershipServiceBuilder options(MembershipOptions v) {
        this.options = Objects.requireNonNull(v, "options");
        return this;
    }

    public MembershipServiceBuilder forwarder(LeaderForwarder v) {
        this.forwarder = Objects.requireNonNull(v, "forwarder");
        return this;
    }

    /**
     * Milliseconds for the policies' timers; only differences matter. Default: {@link System#nanoTime()}
     * in milliseconds, which never steps back (the tests pass the simulator's clock).
     */
    public MembershipServiceBuilder clock(LongSupplier v) {
        this.clock = Objects.requireNonNull(v, "clock");
        return this;
    }

    /** Member ids from {@code seed} (deterministic tests); zero and used ids are skipped. */
    public MembershipServiceBuilder idSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        this.ids = () -> random.nextLong() >>> 1; // positive: ids print the same signed or unsigned
        return this;
    }

    public MembershipServiceBuilder meterRegistry(MeterRegistry v) {
        this.meterRegistry = Objects.requireNonNull(v, "meterRegistry");
        return this;
    }

    /** When this class was loaded: the default clock counts from there, so it is always positive. */
    private static final long ORIGIN_NANOS = System.nanoTime();

    /**
     * Milliseconds since {@link #ORIGIN_NANOS}, plus one: monotonic (unlike the wall clock) and
     * always positive, since the policies use -1 to mean "never".
     */
    private static long monotonicMillis() {
        return (System.nanoTime() - ORIGIN_NANOS) / 1_000_000 + 1;
    }

    public MembershipService build() {
        MembershipOptions o = options != null ? options
                : MembershipOptions.builder().snapshotCount(group.snapshotCount()).build();
        LongSupplier idSource = ids;
        if (idSource == null) {
            SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
            idSource = () -> {
                synchronized (random) {
                    return random.nextLong() >>> 1;
                }
            };
        }
        LeaderForwarder f = forwarder != null ? forwarder : LeaderForwarder.none(o.idFormat());
        return new MembershipService(group, o, f, clock, idSource, new MembershipMetrics(meterRegistry, group.id()));
    }
}
