package org.understudy.bench.learner;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.understudy.examples.kv.proto.KvCommand;
import org.understudy.examples.kv.proto.Put;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;

/**
 * What the benchmark writes: the {@code n}-th write puts one of {@code keys} fixed-width keys
 * ({@code key-00000042}, round robin) with a value of {@link #VALUE_BYTES} printable ASCII
 * characters (raft-kv values are UTF-8 text) taken from a small pool drawn from {@code seed}.
 * Every write is therefore a log entry of the same size, {@link #entryBytes()}, and the store holds
 * at most {@code keys} values however long the log grows: snapshots stay {@code keys} KiB or so
 * while the log they replace is as long as the benchmark wants.
 */
final class Workload {
    /** The value size. */
    static final int VALUE_BYTES = 1024;
    private static final int POOL = 64;

    private final int keys;
    private final long seed;
    private final String[] values = new String[POOL];

    Workload(int keys, long seed) {
        if (keys <= 0) {
            throw new IllegalArgumentException("keys must be positive, got " + keys);
        }
        this.keys = keys;
        this.seed = seed;
        Random random = new Random(seed);
        for (int i = 0; i < POOL; i++) {
            char[] chars = new char[VALUE_BYTES];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = (char) ('!' + random.nextInt('~' - '!' + 1));
            }
            values[i] = new String(chars);
        }
    }

    String key(long n) {
        return String.format(Locale.ROOT, "key-%08d", n % keys);
    }

    String value(long n) {
        return values[(int) (n % POOL)];
    }

    int keys() {
        return keys;
    }

    long seed() {
        return seed;
    }

    /**
     * The serialized size of one write's log entry: the {@code KvCommand} raft-kv proposes for a
     * plain PUT (key, value; no request id) inside a Raft {@code Entry} with a large index and term.
     */
    int entryBytes() {
        KvCommand command = KvCommand.newBuilder().setPut(Put.newBuilder().setKey(key(0))
                .setValue(ByteString.copyFrom(value(0), StandardCharsets.UTF_8))).build();
        return Entry.newBuilder().setIndex(Integer.MAX_VALUE).setTerm(1000).setType(EntryType.ENTRY_NORMAL)
                .setData(command.toByteString()).build().getSerializedSize();
    }
}
