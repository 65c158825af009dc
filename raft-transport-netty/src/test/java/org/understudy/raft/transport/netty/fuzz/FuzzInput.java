package org.understudy.raft.transport.netty.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * What one fuzz connection sends, drawn from a seeded {@link Random}: the four kinds of bad input
 * of the issue, each either right away or after a valid greeting (a peer handshake or an RPC
 * hello), so that both the first-frame parser and the one after it are attacked.
 */
final class FuzzInput {
    /** The kinds of bad input. */
    enum Kind {
        /** Random bytes, from the first byte on. */
        RANDOM_BYTES,
        /** A sane length prefix and fewer bytes than it announced; then silence (the socket stays open). */
        TRUNCATED_FRAME,
        /** A length prefix above the port's maximum frame, then some bytes. */
        OVERSIZED_LENGTH,
        /** A frame of the right length whose bytes do not parse as the expected message. */
        GARBAGE_PROTOBUF,
        /** A valid greeting, then a frame that does not parse as what follows it. */
        GREETING_THEN_GARBAGE,
        /** A valid greeting, then a length prefix above the maximum. */
        GREETING_THEN_OVERSIZED,
        /** A valid greeting, then a truncated frame and silence. */
        GREETING_THEN_TRUNCATED;

        boolean afterGreeting() {
            return this == GREETING_THEN_GARBAGE || this == GREETING_THEN_OVERSIZED || this == GREETING_THEN_TRUNCATED;
        }

        /** Whether only a server-side timeout can end the connection. */
        boolean endsByTimeout() {
            return this == TRUNCATED_FRAME || this == GREETING_THEN_TRUNCATED;
        }
    }

    /** A port under attack: its maximum frame, its greeting (framed), and the parsers before and after it. */
    record Port(String name, int port, int maxFrameBytes, byte[] greeting, Parser<? extends MessageLite> first,
            Parser<? extends MessageLite> afterGreeting, List<Kind> kinds) {
        @Override
        public String toString() {
            return name + " (port " + port + ")";
        }
    }

    /** One connection's bytes. */
    record Plan(int index, Port port, Kind kind, byte[] bytes) {
        @Override
        public String toString() {
            return kind + " #" + index + " to " + port + ", " + bytes.length + " bytes";
        }
    }

    private static final int MAX_GARBAGE = 64 << 10;
    private static final int MAX_TRUNCATED = 1 << 20;

    private FuzzInput() {}

    static Plan plan(int index, Random random, Port port) {
        Kind kind = port.kinds().get(random.nextInt(port.kinds().size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (kind.afterGreeting()) {
            out.writeBytes(port.greeting());
        }
        Parser<? extends MessageLite> parser = kind.afterGreeting() ? port.afterGreeting() : port.first();
        switch (kind) {
            case RANDOM_BYTES -> out.writeBytes(randomBytes(random, 1 + random.nextInt(MAX_GARBAGE)));
            case TRUNCATED_FRAME, GREETING_THEN_TRUNCATED -> {
                int announced = 64 + random.nextInt(Math.min(port.maxFrameBytes(), MAX_TRUNCATED) - 64);
                out.writeBytes(prefix(announced));
                out.writeBytes(randomBytes(random, random.nextInt(announced)));
            }
            case OVERSIZED_LENGTH, GREETING_THEN_OVERSIZED -> {
                long tooLong = port.maxFrameBytes() + 1L + (long) (random.nextDouble() * (0xFFFF_FFFFL - port.maxFrameBytes() - 1));
                out.writeBytes(prefix((int) tooLong));
                out.writeBytes(randomBytes(random, random.nextInt(4096)));
            }
            case GARBAGE_PROTOBUF, GREETING_THEN_GARBAGE -> {
                byte[] garbage = unparseable(random, parser);
                out.writeBytes(prefix(garbage.length));
                out.writeBytes(garbage);
            }
        }
        return new Plan(index, port, kind, out.toByteArray());
    }

    /** A 4-byte big-endian length, the frame format's prefix. */
    static byte[] prefix(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    /** {@code message} as one frame. */
    static byte[] frame(MessageLite message) {
        byte[] body = message.toByteArray();
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Random bytes that {@code parser} rejects (protobuf happily parses many random strings). */
    private static byte[] unparseable(Random random, Parser<? extends MessageLite> parser) {
        while (true) {
            byte[] candidate = randomBytes(random, 1 + random.nextInt(MAX_GARBAGE));
            try {
                parser.parseFrom(candidate);
            } catch (InvalidProtocolBufferException rejected) {
                return candidate;
            }
        }
    }
}
