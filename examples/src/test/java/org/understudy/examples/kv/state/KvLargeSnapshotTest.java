package org.understudy.examples.kv.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: "a store of 1M keys snapshots and restores". The store goes to a file and back within the
 * tests' default heap (-Xmx1g) while the original and the restored copy are both alive, the way a
 * replica holds its live state while a received snapshot is read aside. The seed is fixed and named
 * in the messages.
 */
class KvLargeSnapshotTest {
    private static final int KEYS = 1_000_000;
    private static final long SEED = 20261202L;

    @Test
    void aMillionKeysSnapshotToAFileAndRestore(@TempDir Path dir) throws IOException {
        Random random = new Random(SEED);
        KvStateMachine original = new KvStateMachine();
        long index = 0;
        for (int i = 0; i < KEYS; i++) {
            ByteString value = ByteString.copyFromUtf8("value-" + random.nextInt(1_000_000));
            Optional<String> requestId = i % 4 == 0 ? Optional.of("req-" + i) : Optional.empty();
            original.apply(Entries.entry(++index, KvCommands.put(key(i), value, OptionalLong.empty(), requestId)));
        }
        assertThat(original.size()).isEqualTo(KEYS);

        Path file = dir.resolve("kv.snapshot");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            original.snapshot(out);
        }
        KvStateMachine copy = new KvStateMachine();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            copy.restore(in);
        }

        assertThat(copy.size()).isEqualTo(original.size());
        assertThat(copy.appliedIndex()).isEqualTo(original.appliedIndex()).isEqualTo(KEYS);
        assertThat(copy.rememberedRequestIds()).isEqualTo(RequestDedupTable.DEFAULT_CAPACITY);
        Random sample = new Random(SEED + 1);
        for (int n = 0; n < 10_000; n++) {
            int i = sample.nextInt(KEYS);
            assertThat(copy.get(key(i))).as("key %d (seed %d)", i, SEED).isEqualTo(original.get(key(i))).isPresent();
        }
        assertThat(copy.get(key(KEYS - 1)).orElseThrow().revision()).isEqualTo(KEYS);
        // The newest request id survived and answers its retry with the first result.
        int lastWithId = KEYS - 4;
        assertThat(copy.apply(Entries.entry(KEYS + 1, KvCommands.put(key(lastWithId), ByteString.EMPTY,
                OptionalLong.empty(), Optional.of("req-" + lastWithId)))).getRevision()).isEqualTo(lastWithId + 1);
    }

    private static String key(int i) {
        return "key-" + i;
    }
}
