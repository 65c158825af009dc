package org.understudy.examples.kv.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.examples.kv.state.Entries.delete;
import static org.understudy.examples.kv.state.Entries.put;
import static org.understudy.examples.kv.state.Entries.putWithId;
import static org.understudy.examples.kv.state.Entries.utf8;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.proto.KvResult;

class KvSnapshotTest {

    /** A small store with overwritten, deleted, binary and non-ASCII keys and remembered request ids. */
    private static KvStateMachine sample() {
        KvStateMachine kv = new KvStateMachine();
        kv.apply(put(1, "a", "one"));
        kv.apply(putWithId(2, "b", "two", "req-b"));
        kv.apply(put(3, "a", "one again"));
        kv.apply(put(4, "gone", "soon"));
        kv.apply(delete(5, "gone"));
        kv.apply(putWithId(6, "clé-ü-😀", "VALUE-MARKER", "req-u"));
        kv.apply(Entries.entry(7, KvCommands.put("bin", ByteString.copyFrom(new byte[] {0, -1, 7}),
                OptionalLong.empty(), Optional.empty())));
        return kv;
    }

    private static byte[] snapshotOf(KvStateMachine kv) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        kv.snapshot(out);
        return out.toByteArray();
    }

    @Test
    void aRestoredStoreHasTheSameKeysRevisionsAndAppliedIndex() throws IOException {
        KvStateMachine original = sample();
        KvStateMachine copy = new KvStateMachine();

        copy.restore(new ByteArrayInputStream(snapshotOf(original)));

        assertThat(copy.size()).isEqualTo(4);
        assertThat(copy.appliedIndex()).isEqualTo(7);
        for (String key : new String[] {"a", "b", "clé-ü-😀", "bin"}) {
            assertThat(copy.get(key)).as(key).isEqualTo(original.get(key)).isPresent();
        }
        assertThat(copy.get("gone")).isEmpty();
        assertThat(copy.get("a")).contains(new KvEntry(utf8("one again"), 3));
    }

    @Test
    void aRestoredStoreRemembersTheRequestIdsAndAppliesTheSameAsTheOriginal() throws IOException {
        KvStateMachine original = sample();
        KvStateMachine copy = new KvStateMachine();
        copy.restore(new ByteArrayInputStream(snapshotOf(original)));

        KvResult retryOnCopy = copy.apply(putWithId(8, "b", "two", "req-b"));
        KvResult retryOnOriginal = original.apply(putWithId(8, "b", "two", "req-b"));

        assertThat(retryOnCopy).isEqualTo(retryOnOriginal);
        assertThat(retryOnCopy.getRevision()).as("the first application's revision").isEqualTo(2);
        assertThat(copy.rememberedRequestIds()).isEqualTo(2);
    }

    @Test
    void anEmptyStoreRoundTrips() throws IOException {
        KvStateMachine copy = sample();

        copy.restore(new ByteArrayInputStream(snapshotOf(new KvStateMachine())));

        assertThat(copy.size()).isZero();
        assertThat(copy.appliedIndex()).isZero();
        assertThat(copy.rememberedRequestIds()).isZero();
    }

    @Test
    void aSmallerTableKeepsTheNewestIdsOfASnapshot() throws IOException {
        KvStateMachine big = new KvStateMachine(10);
        for (int i = 1; i <= 10; i++) {
            big.apply(putWithId(i, "k", "v" + i, "id-" + i));
        }
        KvStateMachine small = new KvStateMachine(4);

        small.restore(new ByteArrayInputStream(snapshotOf(big)));

        assertThat(small.rememberedRequestIds()).isEqualTo(4);
        assertThat(small.apply(putWithId(11, "k", "x", "id-7")).getRevision()).as("id-7 kept").isEqualTo(7);
        assertThat(small.apply(putWithId(12, "k", "x", "id-6")).getRevision()).as("id-6 evicted").isEqualTo(12);
    }

    @Test
    void snapshotAndRestoreLeaveTheStreamsOpen() throws IOException {
        KvStateMachine kv = sample();
        boolean[] closed = new boolean[2];
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        kv.snapshot(out);
        InputStream in = new ByteArrayInputStream(out.toByteArray()) {
            @Override
            public void close() {
                closed[1] = true;
            }
        };
        new KvStateMachine().restore(in);

        assertThat(closed).containsExactly(false, false);
    }

    @Test
    void theSnapshotMayFollowAnotherLayersHeaderInTheSameStream() throws IOException {
        // MembershipStateMachine writes its registry header first, then ours.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("HEADER".getBytes(StandardCharsets.US_ASCII));
        sample().snapshot(out);
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(in.readNBytes(6)).isEqualTo("HEADER".getBytes(StandardCharsets.US_ASCII));

        KvStateMachine copy = new KvStateMachine();
        copy.restore(in);

        assertThat(copy.size()).isEqualTo(4);
    }

    @Test
    void aBadMagicIsRefusedByName() throws IOException {
        byte[] bytes = snapshotOf(sample());
        bytes[0] = 'X';

        assertRefusedAndStateKept(bytes, "not a raft-kv snapshot", "expected the magic 0x554B5653");
    }

    @Test
    void anUnknownVersionIsRefusedByNumber() throws IOException {
        byte[] bytes = snapshotOf(sample());
        ByteBuffer.wrap(bytes).putInt(4, 2);

        assertRefusedAndStateKept(bytes, "format version 2 is not supported", "reads version 1");
    }

    @Test
    void aFlippedValueByteFailsTheCrc() throws IOException {
        byte[] bytes = snapshotOf(sample());
        int at = indexOf(bytes, "VALUE-MARKER".getBytes(StandardCharsets.US_ASCII));
        bytes[at] ^= 0x20;

        assertRefusedAndStateKept(bytes, "CRC32C");
    }

    @Test
    void aDamagedTrailerFailsTheCrc() throws IOException {
        byte[] bytes = snapshotOf(sample());
        bytes[bytes.length - 1] ^= 1;

        assertRefusedAndStateKept(bytes, "CRC32C");
    }

    @Test
    void anImpossibleLengthIsRefusedBeforeAnyAllocation() throws IOException {
        byte[] bytes = snapshotOf(sample());
        ByteBuffer.wrap(bytes).putInt(28, -1); // the first key record's key length (header is 28 bytes)

        assertRefusedAndStateKept(bytes, "corrupt", "declares -1 bytes");
    }

    @Test
    void everyTruncationIsRefusedAsTruncated() throws IOException {
        byte[] bytes = snapshotOf(sample());

        for (int length = 0; length < bytes.length; length++) {
            assertRefusedAndStateKept(Arrays.copyOf(bytes, length), "truncated");
        }
    }

    @Test
    void aTruncationSaysWhereTheStreamEnded() throws IOException {
        byte[] bytes = snapshotOf(sample());

        assertRefusedAndStateKept(Arrays.copyOf(bytes, 10), "truncated", "in the header");
        assertRefusedAndStateKept(Arrays.copyOf(bytes, 30), "truncated", "in key record 1 of 4");
        assertRefusedAndStateKept(Arrays.copyOf(bytes, bytes.length - 2), "in CRC trailer");
    }

    @Test
    void anyFlippedByteIsRefused() throws IOException {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            KvStateMachine source = new KvStateMachine();
            int writes = 1 + random.nextInt(20);
            for (int i = 1; i <= writes; i++) {
                String value = "v".repeat(random.nextInt(40));
                source.apply(random.nextBoolean() ? put(i, "k" + random.nextInt(8), value)
                        : putWithId(i, "k" + random.nextInt(8), value, "id" + random.nextInt(30)));
            }
            byte[] bytes = snapshotOf(source);
            int at = random.nextInt(bytes.length);
            bytes[at] ^= (byte) (1 + random.nextInt(255));

            KvStateMachine target = sample();
            long seedForMessage = seed;
            assertThatThrownBy(() -> target.restore(new ByteArrayInputStream(bytes)))
                    .as("seed %d, byte %d of %d flipped", seedForMessage, at, bytes.length)
                    .isInstanceOf(KvSnapshotFormatException.class);
            assertSampleState(target, "seed " + seed);
        }
    }

    private static void assertRefusedAndStateKept(byte[] bytes, String... messageParts) throws IOException {
        KvStateMachine kv = sample();

        assertThatThrownBy(() -> kv.restore(new ByteArrayInputStream(bytes)))
                .as("a snapshot of %d bytes", bytes.length)
                .isInstanceOf(KvSnapshotFormatException.class)
                .hasMessageContainingAll(messageParts);
        assertSampleState(kv, "after a refused snapshot of " + bytes.length + " bytes");
    }

    /** The store of {@link #sample()}, request ids included, exactly. */
    private static void assertSampleState(KvStateMachine kv, String when) {
        assertThat(kv.size()).as(when).isEqualTo(4);
        assertThat(kv.appliedIndex()).as(when).isEqualTo(7);
        assertThat(kv.get("a")).as(when).contains(new KvEntry(utf8("one again"), 3));
        assertThat(kv.get("clé-ü-😀")).as(when).contains(new KvEntry(utf8("VALUE-MARKER"), 6));
        assertThat(kv.rememberedRequestIds()).as(when).isEqualTo(2);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("marker not found");
    }
}
