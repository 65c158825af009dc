package org.understudy.bench.replication;

import com.google.protobuf.ByteString;
import java.util.SplittableRandom;

/**
 * The command every proposal carries: {@code valueBytes} random bytes (nothing on the way can
 * compress them) from a fixed seed, made once per trial, so that building commands is not what a
 * benchmark measures.
 */
final class Values {
    static final long SEED = 0x5EED_0008L;

    private Values() {}

    static ByteString random(int valueBytes) {
        if (valueBytes < 1) {
            throw new IllegalArgumentException("valueBytes must be at least 1 (an empty command is not counted): "
                    + valueBytes);
        }
        byte[] bytes = new byte[valueBytes];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return ByteString.copyFrom(bytes);
    }
}
