package org.understudy.membership.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.understudy.membership.proto.RegistryImage;

/**
 * The head of every snapshot that a {@link MembershipStateMachine} writes: the magic
 * {@code "USMR"}, the length of the registry image as a big-endian int, the {@link RegistryImage}
 * bytes; the user's snapshot follows.
 *
 * <p>Reading takes exactly the header's bytes from the stream and nothing more (no buffering), so
 * the user's state machine reads its part straight from the same stream.
 */
public final class RegistrySnapshotHeader {
    /** {@code "USMR"} in ASCII: Understudy membership registry. */
    public static final int MAGIC = 0x55534D52;
    /** A registry is a few records per member; anything larger is a corrupt length. */
    public static final int MAX_IMAGE_BYTES = 64 << 20;

    private RegistrySnapshotHeader() {}

    /** Writes the header for {@code image}; flushes, does not close {@code out}. */
    public static void write(OutputStream out, RegistryImage image) throws IOException {
        byte[] bytes = image.toByteArray();
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(bytes.length);
        d.write(bytes);
        d.flush();
    }

    /**
     * Reads a header, leaving {@code in} at the first byte of the user's snapshot.
     *
     * @throws IOException if the stream does not start with the magic (not a membership snapshot),
     *     the length is impossible, the stream ends inside the header, or the image does not parse
     */
    public static RegistryImage read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in); // reads exactly what it is asked for
        int magic;
        int length;
        try {
            magic = d.readInt();
            if (magic != MAGIC) {
                throw new IOException(String.format("not a membership snapshot: it starts with 0x%08x, expected 0x%08x"
                        + " (\"USMR\"). Was it written by a node without a MembershipStateMachine?", magic, MAGIC));
            }
            length = d.readInt();
            if (length < 0 || length > MAX_IMAGE_BYTES) {
                throw new IOException("corrupt membership snapshot header: registry image length " + length
                        + " is outside 0.." + MAX_IMAGE_BYTES);
            }
            byte[] bytes = new byte[length];
            d.readFully(bytes);
            return RegistryImage.parseFrom(bytes);
        } catch (EOFException e) {
            throw new IOException("truncated membership snapshot: the stream ended inside the registry header", e);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("corrupt membership snapshot: the registry image does not parse: " + e.getMessage(), e);
        }
    }
}
