package org.understudy.examples.kv.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.understudy.examples.kv.proto.KvResult;

/**
 * Reads a snapshot of the {@link KvSnapshotFormat} into a new, detached state, record by record.
 * Nothing live is touched: the caller swaps the result in only once the whole stream, CRC included,
 * has checked out, so a bad snapshot leaves the store as it was.
 */
final class KvSnapshotReader {

    /** What a snapshot holds, not yet visible to anyone. */
    record Restored(KvData data, RequestDedupTable dedup) {}

    /** Beyond this many keys the map grows as it fills: a corrupt count must not pre-allocate a giant table. */
    private static final int MAX_PRESIZE = 1 << 20;

    private KvSnapshotReader() {}

    /**
     * @param dedupCapacity this replica's table capacity; if the snapshot holds more ids, the newest survive
     * @throws KvSnapshotFormatException for anything that is not a complete, intact snapshot of a known version
     * @throws IOException when the stream itself fails
     */
    static Restored read(InputStream in, int dedupCapacity) throws IOException {
        CRC32C crc = new CRC32C();
        DataInputStream d = new DataInputStream(
                new CheckedInputStream(new BufferedInputStream(in, KvSnapshotFormat.BUFFER_BYTES), crc));
        Progress at = new Progress();
        try {
            int magic = d.readInt();
            if (magic != KvSnapshotFormat.MAGIC) {
                throw new KvSnapshotFormatException(String.format(
                        "not a raft-kv snapshot: it starts with 0x%08X, expected the magic 0x%08X (\"UKVS\")",
                        magic, KvSnapshotFormat.MAGIC));
            }
            int version = d.readInt();
            if (version != KvSnapshotFormat.VERSION) {
                throw new KvSnapshotFormatException("raft-kv snapshot format version " + version
                        + " is not supported: this build reads version " + KvSnapshotFormat.VERSION
                        + " (a snapshot from a newer raft-kv? upgrade this member)");
            }
            long appliedIndex = d.readLong();
            long keyCount = d.readLong();
            int dedupCount = d.readInt();
            if (appliedIndex < 0 || keyCount < 0 || dedupCount < 0) {
                throw corrupt("its header is impossible (applied index " + appliedIndex + ", " + keyCount
                        + " keys, " + dedupCount + " request ids)");
            }

            at.section = "key record";
            at.total = keyCount;
            ConcurrentHashMap<String, KvEntry> entries = new ConcurrentHashMap<>((int) Math.min(keyCount, MAX_PRESIZE));
            for (at.record = 0; at.record < keyCount; at.record++) {
                String key = new String(readField(d, "key"), StandardCharsets.UTF_8);
                long revision = d.readLong();
                if (revision < 1 || revision > appliedIndex) {
                    throw corrupt("key record " + (at.record + 1) + " has revision " + revision
                            + ", outside 1.." + appliedIndex);
                }
                ByteString value = UnsafeByteOperations.unsafeWrap(readField(d, "value"));
                if (entries.put(key, new KvEntry(value, revision)) != null) {
                    throw corrupt("key record " + (at.record + 1) + " repeats a key");
                }
            }

            at.section = "request-id record";
            at.total = dedupCount;
            RequestDedupTable dedup = new RequestDedupTable(dedupCapacity);
            for (at.record = 0; at.record < dedupCount; at.record++) {
                RequestIdDigest id = new RequestIdDigest(d.readLong(), d.readLong());
                KvResult result;
                try {
                    result = KvResult.parseFrom(readField(d, "request result"));
                } catch (InvalidProtocolBufferException e) {
                    throw new KvSnapshotFormatException("raft-kv snapshot is corrupt: request-id record " + (at.record + 1)
                            + " holds an unreadable result: " + e.getMessage(), e);
                }
                if (!dedup.record(id, result)) {
                    throw corrupt("request-id record " + (at.record + 1) + " repeats an id");
                }
            }

            at.section = "CRC trailer";
            at.total = 1;
            at.record = 0;
            int computed = (int) crc.getValue();
            int stored = d.readInt();
            if (computed != stored) {
                throw corrupt(String.format("its CRC32C is 0x%08X but the trailer says 0x%08X", computed, stored));
            }
            return new Restored(new KvData(entries, appliedIndex), dedup);
        } catch (EOFException e) {
            throw new KvSnapshotFormatException("raft-kv snapshot is truncated: the stream ended " + at, e);
        }
    }

    private static byte[] readField(DataInputStream d, String what) throws IOException {
        int length = d.readInt();
        if (length < 0 || length > KvSnapshotFormat.MAX_FIELD_BYTES) {
            throw corrupt("a " + what + " declares " + length + " bytes (at most "
                    + KvSnapshotFormat.MAX_FIELD_BYTES + " allowed)");
        }
        if (length <= KvSnapshotFormat.BUFFER_BYTES) {
            byte[] bytes = new byte[length];
            d.readFully(bytes);
            return bytes;
        }
        // Large: read in chunks, so a corrupt length in a short stream fails at its end instead of
        // allocating the declared size up front.
        byte[] bytes = d.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return bytes;
    }

    private static KvSnapshotFormatException corrupt(String what) {
        return new KvSnapshotFormatException("raft-kv snapshot is corrupt: " + what);
    }

    /** Where the reader is, for the message of a truncated stream. */
    private static final class Progress {
        String section = "header";
        long record;
        long total;

        @Override
        public String toString() {
            return section.equals("header") ? "in the header"
                    : "in " + section + " " + (record + 1) + " of " + total;
        }
    }
}
