package org.understudy.raft.storage.chronicle;

import java.util.Arrays;
import java.util.zip.CRC32C;
import org.understudy.raft.proto.Entry;

/**
 * The body of one Chronicle document that carries a run of consecutive ENTRY records, back to back
 * ({@link LogRecord}'s layout, each with its own length and CRC32C), built by the writer thread
 * before {@link LogQueue#append(byte[], int)} writes it.
 *
 * <p>Why runs: Chronicle spends a document header, a position update and an index check per
 * document, and the log's append+sync at 256 × 1 KiB reached only about half of a plain
 * {@code write} + {@code fdatasync} with one document per entry. One document per run, written
 * with one positioned write, brings it close to the plain file (see the module README, "Where an
 * append+sync's time goes"). Runs stop at {@link #MAX_BYTES} so replay reads at most that much
 * (plus one large entry) into memory at once; an entry larger than that gets a run of its own.
 *
 * <p>Each record keeps its own position ({@link #offset(int)} from the start of the body), so a
 * random read still copies out one entry, never the run.
 *
 * <p>Not thread-safe: the writer thread's own buffer, reused for every batch.
 */
final class EntryRun {

    /** The most bytes a run collects before it is written (unless its first entry alone is larger). */
    static final int MAX_BYTES = 1 << 20;

    private final int maxBytes;
    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[64 * 1024];
    private int length;
    private int[] offsets = new int[256];
    private int count;

    /** @param maxBytes the run's limit; 0 puts every entry in a run of its own (format version 1) */
    EntryRun(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Whether {@code e} may join this run (an empty run takes any entry). */
    boolean fits(Entry e) {
        return count == 0 || length + LogRecord.entryBytes(e) <= maxBytes;
    }

    /** Appends {@code e}'s record to the run. */
    void add(Entry e) {
        int n = LogRecord.entryBytes(e);
        if (buf.length < length + n) {
            buf = Arrays.copyOf(buf, Math.max(length + n, buf.length * 2));
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = length;
        length += LogRecord.encodeEntry(buf, length, e, crc);
    }

    /** The run's bytes: {@code bytes()[0 .. length())}. */
    byte[] bytes() {
        return buf;
    }

    int length() {
        return length;
    }

    int count() {
        return count;
    }

    /** Where the {@code k}-th record of the run begins, from the start of the run. */
    int offset(int k) {
        return offsets[k];
    }

    /** Empties the run for the next one, keeping its buffers. */
    void clear() {
        length = 0;
        count = 0;
    }
}
