package org.understudy.examples.kv.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A request id reduced to the first 128 bits of its SHA-256, which is what the
 * {@link RequestDedupTable} keeps: clients choose ids of any length, and storing the ids themselves
 * would let long ones grow the table without bound. At 100,000 ids a 128-bit collision is
 * astronomically unlikely (about 2^-94), and being a pure function of the id it is the same on every
 * replica.
 */
record RequestIdDigest(long high, long low) {

    /** A digester for one thread (MessageDigest is not thread-safe); the apply thread owns one. */
    static final class Digester {
        private final MessageDigest sha256;

        Digester() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                // Every Java platform must provide SHA-256 (MessageDigest javadoc).
                throw new IllegalStateException("this JVM has no SHA-256", e);
            }
        }

        RequestIdDigest digest(String requestId) {
            byte[] hash = sha256.digest(requestId.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(hash);
            return new RequestIdDigest(b.getLong(), b.getLong());
        }
    }
}
