package org.understudy.examples.kv.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalLong;
import org.understudy.client.balancer.Request;

/**
 * One raft-kv key operation as the opaque payload of a balancer {@link Request}: the balancer
 * never looks inside, {@link HttpClientTransport} turns it into {@code PUT/GET/DELETE /v1/kv/{key}}.
 *
 * <p>Wire form (only between this process's caller and its transport, never stored): a format
 * byte, the operation byte, the key and the value as length-prefixed UTF-8 / bytes, and the
 * expected revision ({@code -1} for none).
 */
public record KvOperation(Op op, String key, byte[] value, OptionalLong prevRevision) {
    private static final int FORMAT = 1;

    /** What to do with the key. */
    public enum Op { PUT, GET, DELETE }

    public KvOperation {
        Objects.requireNonNull(op, "op");
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a key must be non-empty");
        }
        value = value == null ? new byte[0] : value.clone();
        prevRevision = Objects.requireNonNull(prevRevision, "prevRevision");
    }

    public static KvOperation put(String key, String value) {
        return new KvOperation(Op.PUT, key, value.getBytes(StandardCharsets.UTF_8), OptionalLong.empty());
    }

    public static KvOperation get(String key) {
        return new KvOperation(Op.GET, key, null, OptionalLong.empty());
    }

    public static KvOperation delete(String key) {
        return new KvOperation(Op.DELETE, key, null, OptionalLong.empty());
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + key.length() + value.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeByte(op.ordinal());
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            out.writeInt(k.length);
            out.write(k);
            out.writeInt(value.length);
            out.write(value);
            out.writeLong(prevRevision.orElse(-1));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException for bytes that {@link #encode()} did not write */
    public static KvOperation decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("not a raft-kv operation payload (format " + format + ")");
            }
            int op = in.readUnsignedByte();
            if (op >= Op.values().length) {
                throw new IllegalArgumentException("unknown operation " + op + " in the payload");
            }
            String key = new String(in.readNBytes(length(in, payload.length)), StandardCharsets.UTF_8);
            byte[] value = in.readNBytes(length(in, payload.length));
            long prev = in.readLong();
            return new KvOperation(Op.values()[op], key, value, prev < 0 ? OptionalLong.empty() : OptionalLong.of(prev));
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated raft-kv operation payload", e);
        }
    }

    private static int length(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("a length of " + n + " in a payload of " + max + " bytes");
        }
        return n;
    }
}
