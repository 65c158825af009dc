package org.understudy.bench.transport;

import java.util.SplittableRandom;

/** The bytes every message carries: random (so nothing along the way can compress them), from a fixed seed. */
final class Payloads {
    static final long SEED = 0x5EED42L;

    private Payloads() {}

    static byte[] of(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("payloadBytes must be >= 0, got " + bytes);
        }
        byte[] payload = new byte[bytes];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < bytes; i++) {
            payload[i] = (byte) random.nextInt(256);
        }
        return payload;
    }
}
