package org.understudy.examples.kv.bench;

import static org.understudy.examples.kv.bench.BenchOptionException.Code;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What {@code raft-kv bench} is asked to do, checked: every value that cannot be run is refused here
 * with a {@link BenchOptionException} naming the option, before anything connects.
 *
 * @param clients operations in flight at most: the closed loop's clients, the fixed rate's senders
 * @param mode closed loop or fixed rate
 * @param rate operations per second; present exactly when {@code mode} is {@link BenchMode#FIXED_RATE}
 * @param valueBytes the size of each written value (ASCII, so the HTTP API's UTF-8 values hold it as is)
 * @param readRatio the share of operations that are linearizable reads (the rest are puts), 0..1
 * @param keys how many distinct keys the operations pick from, uniformly
 * @param keyPrefix what every key starts with (then the key's number), so a run touches only its own keys
 * @param warmup run first and not recorded (connections, JIT, the leader's caches)
 * @param duration the recorded part of the run
 * @param timeout each operation's deadline, retries included (the balancer's per-request deadline)
 * @param seed picks keys, values and the read/write mix
 * @param protocol how the load reaches the members
 */
public record LoadOptions(int clients, BenchMode mode, OptionalDouble rate, int valueBytes, double readRatio, long keys,
                          String keyPrefix, Duration warmup, Duration duration, Duration timeout, long seed,
                          BenchProtocol protocol) {

    public static final int MAX_CLIENTS = 10_000;
    /** Far above what one process can send; a typo (an extra zero or two) is still caught. */
    public static final double MAX_RATE = 10_000_000;
    /** The members' default body limit (1 MiB): a larger value would be refused by every member. */
    public static final int MAX_VALUE_BYTES = 1 << 20;
    public static final long MAX_KEYS = 1_000_000_000L;
    private static final Duration MAX_RUN = Duration.ofDays(30);

    public LoadOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(protocol, "protocol");
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new BenchOptionException(Code.BAD_CLIENTS, "--clients must be 1.." + MAX_CLIENTS + ", not " + clients);
        }
        if (mode == BenchMode.FIXED_RATE && rate.isEmpty()) {
            throw new BenchOptionException(Code.RATE_REQUIRED,
                    "--mode fixed-rate needs --rate OPS_PER_S (operations per second over all clients)");
        }
        if (mode == BenchMode.CLOSED && rate.isPresent()) {
            throw new BenchOptionException(Code.RATE_WITHOUT_FIXED_RATE, "--rate applies only to --mode fixed-rate;"
                    + " the closed loop sends as fast as the cluster answers");
        }
        if (rate.isPresent() && !(rate.getAsDouble() > 0 && rate.getAsDouble() <= MAX_RATE)) {
            throw new BenchOptionException(Code.BAD_RATE, "--rate must be above 0 and at most " + (long) MAX_RATE
                    + " operations per second, not " + rate.getAsDouble());
        }
        if (valueBytes < 0 || valueBytes > MAX_VALUE_BYTES) {
            throw new BenchOptionException(Code.BAD_VALUE_BYTES, "--value-bytes must be 0.." + MAX_VALUE_BYTES
                    + " (the members' body limit), not " + valueBytes);
        }
        if (!(readRatio >= 0 && readRatio <= 1)) {
            throw new BenchOptionException(Code.BAD_READ_RATIO, "--read-ratio must be between 0 (only writes) and 1"
                    + " (only reads), not " + readRatio);
        }
        if (keys < 1 || keys > MAX_KEYS) {
            throw new BenchOptionException(Code.BAD_KEYS, "--keys must be 1.." + MAX_KEYS + ", not " + keys);
        }
        if (keyPrefix.chars().anyMatch(Character::isISOControl)) {
            throw new BenchOptionException(Code.BAD_KEYS, "--key-prefix must not hold control characters");
        }
        requireDuration(duration, "--duration", Code.BAD_DURATION, false);
        requireDuration(warmup, "--warmup", Code.BAD_WARMUP, true);
        requireDuration(timeout, "--timeout", Code.BAD_TIMEOUT, false);
    }

    private static void requireDuration(Duration d, String option, Code code, boolean zeroAllowed) {
        Objects.requireNonNull(d, option);
        if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(MAX_RUN) > 0) {
            throw new BenchOptionException(code, option + " must be " + (zeroAllowed ? "0" : "above 0")
                    + " and at most 30 days, not " + d.toMillis() + " ms");
        }
    }
}
