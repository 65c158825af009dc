package org.understudy.examples.kv.state;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.understudy.examples.kv.proto.KvResult;

/**
 * Streams the store into the {@link KvSnapshotFormat}, one record per key and per remembered request
 * id, so memory stays flat however large the store is.
 *
 * <p>Runs on the apply thread, which is the only writer of the map and the table, so what it
 * iterates does not change under it; the counts it writes first are checked against the records it
 * then wrote, which catches a call from the wrong thread instead of writing a snapshot that could
 * not be read back.
 */
final class KvSnapshotWriter {
    private KvSnapshotWriter() {}

    /** Writes the snapshot and flushes {@code out}; never closes it. */
    static void write(KvData data, RequestDedupTable dedup, OutputStream out) throws IOException {
        CRC32C crc = new CRC32C();
        // The buffer sits above the checksum so the CRC is updated in blocks, not byte by byte.
        DataOutputStream d = new DataOutputStream(
                new BufferedOutputStream(new CheckedOutputStream(out, crc), KvSnapshotFormat.BUFFER_BYTES));

        long appliedIndex = data.appliedIndex();
        long keyCount = data.entries().mappingCount();
        int dedupCount = dedup.size();
        d.writeInt(KvSnapshotFormat.MAGIC);
        d.writeInt(KvSnapshotFormat.VERSION);
        d.writeLong(appliedIndex);
        d.writeLong(keyCount);
        d.writeInt(dedupCount);

        long keysWritten = 0;
        for (Map.Entry<String, KvEntry> e : data.entries().entrySet()) {
            writeField(d, e.getKey().getBytes(StandardCharsets.UTF_8), "key");
            d.writeLong(e.getValue().revision());
            d.writeInt(checkedLength(e.getValue().value().size(), "value"));
            e.getValue().value().writeTo(d);
            keysWritten++;
        }
        int dedupWritten = 0;
        for (Map.Entry<RequestIdDigest, KvResult> e : dedup.oldestFirst()) {
            d.writeLong(e.getKey().high());
            d.writeLong(e.getKey().low());
            writeField(d, e.getValue().toByteArray(), "request result");
            dedupWritten++;
        }
        if (keysWritten != keyCount || dedupWritten != dedupCount) {
            throw new IllegalStateException("the store changed while its snapshot was written (" + keysWritten
                    + " keys and " + dedupWritten + " request ids written, header says " + keyCount + " and "
                    + dedupCount + "): snapshot() must run on the apply thread");
        }
        d.flush();

        // The trailer goes around the checksum stream: it is the CRC of everything before it.
        int value = (int) crc.getValue();
        out.write(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        out.flush();
    }

    private static void writeField(DataOutputStream d, byte[] bytes, String what) throws IOException {
        d.writeInt(checkedLength(bytes.length, what));
        d.write(bytes);
    }

    private static int checkedLength(int length, String what) throws IOException {
        if (length > KvSnapshotFormat.MAX_FIELD_BYTES) {
            // Not reachable with entries a node accepts; refuse rather than write an unreadable snapshot.
            throw new IOException("cannot snapshot a " + what + " of " + length + " bytes: the raft-kv snapshot format"
                    + " allows at most " + KvSnapshotFormat.MAX_FIELD_BYTES);
        }
        return length;
    }
}
