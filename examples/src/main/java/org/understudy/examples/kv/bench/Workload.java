package org.understudy.examples.kv.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The operations one sender sends, in order, chosen from the run's seed: a read with probability
 * {@code readRatio}, else a put; a key drawn uniformly from {@code keys}; a value cut from a block of
 * random ASCII made once per run (so choosing a value costs a copy, not {@code valueBytes} random
 * draws). The same seed and sender number give the same sequence, whatever the timing.
 *
 * <p>Not thread-safe: one sender uses it at a time (a closed-loop client's operations follow each
 * other through their futures, which orders them).
 */
public final class Workload {
    /** How far apart two values' starts in the block can be: enough that neighbouring puts differ. */
    private static final int VALUE_OFFSETS = 4096;
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SplittableRandom random;
    private final double readRatio;
    private final long keys;
    private final String keyPrefix;
    private final int valueBytes;
    private final byte[] valueBlock;

    private Workload(SplittableRandom random, LoadOptions options, byte[] valueBlock) {
        this.random = random;
        this.readRatio = options.readRatio();
        this.keys = options.keys();
        this.keyPrefix = options.keyPrefix();
        this.valueBytes = options.valueBytes();
        this.valueBlock = valueBlock;
    }

    /** {@code senders} workloads of one run, numbered from 0, sharing its value block. */
    public static List<Workload> forSenders(LoadOptions options, int senders) {
        byte[] block = valueBlock(new SplittableRandom(options.seed()), options.valueBytes());
        List<Workload> out = new ArrayList<>(senders);
        for (int i = 0; i < senders; i++) {
            out.add(new Workload(new SplittableRandom(senderSeed(options.seed(), i)), options, block));
        }
        return List.copyOf(out);
    }

    /** The key of number {@code n}: what a run writes, and what a check afterwards reads. */
    public static String key(String prefix, long n) {
        return prefix + n;
    }

    public BenchOp next() {
        // Drawn in a fixed order (kind, key, value offset) so a sequence depends only on the seed.
        boolean read = random.nextDouble() < readRatio;
        String key = key(keyPrefix, random.nextLong(keys));
        if (read) {
            return new BenchOp(OpKind.READ, key, null);
        }
        int offset = random.nextInt(VALUE_OFFSETS);
        return new BenchOp(OpKind.WRITE, key, Arrays.copyOfRange(valueBlock, offset, offset + valueBytes));
    }

    /** Senders' streams apart: a 64-bit mix of the run's seed and the sender's number (SplitMix64's constant). */
    private static long senderSeed(long seed, int sender) {
        return seed ^ (0x9E3779B97F4A7C15L * (sender + 1L));
    }

    private static byte[] valueBlock(SplittableRandom random, int valueBytes) {
        byte[] block = new byte[valueBytes + VALUE_OFFSETS];
        for (int i = 0; i < block.length; i++) {
            block[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return block;
    }
}
