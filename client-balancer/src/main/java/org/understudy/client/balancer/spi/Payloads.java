package org.understudy.client.balancer.spi;

import java.nio.ByteBuffer;

/** Copies of read-only payload buffers, for callers that want a {@code byte[]}. */
final class Payloads {
    private Payloads() {}

    /** A copy of {@code payload}'s remaining bytes; {@code payload}'s position is untouched. */
    static byte[] copyOf(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
