package org.understudy.bench.core;

import com.google.protobuf.ByteString;
import java.util.SplittableRandom;

/**
 * The command the core benchmarks propose: 64 random bytes from a fixed seed, made once. The core
 * never copies or serializes a command (it only passes the reference along and adds its size to
 * byte counters), so its size does not change what these benchmarks measure; 64 B is the small
 * size of the end-to-end benchmarks.
 */
final class Commands {
    static final int BYTES = 64;
    static final ByteString VALUE = random(BYTES, 0x5EED_C0DEL);

    private Commands() {}

    private static ByteString random(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return ByteString.copyFrom(bytes);
    }
}
