package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;

/**
 * The contract of {@link SnapshotStore}, point by point. Every engine extends this class,
 * implements {@link #newStore()} and, if it is durable, {@link #reopen(SnapshotStore)}.
 *
 * <p>Points where the SPI javadoc needed a reading, tested here so that all engines agree:
 * <ul>
 *   <li>{@code deleteOlderThan(i)} deletes every committed snapshot whose index is below {@code i}
 *       but never the latest (a compacted log depends on it);</li>
 *   <li>committing a second snapshot at the latest index leaves the first one's data in place
 *       ("not above the latest ... leaves the latest unchanged");</li>
 *   <li>closing the stream of {@link SnapshotStore.Writer#asOutputStream()} neither commits nor
 *       prevents a later commit;</li>
 *   <li>{@link SnapshotStore.Writer#close()} after commit keeps the snapshot.</li>
 * </ul>
 */
public abstract class SnapshotStoreConformanceKit {
    private static final int MIB = 1 << 20;

    /** The store under test; {@link #closeAndReopen()} replaces it. */
    protected SnapshotStore store;

    /** A new, empty store (for a disk engine: in a fresh directory). */
    protected abstract SnapshotStore newStore();

    /**
     * Opens again the store that was just closed, as a restarted process would; or {@code null}
     * (the default) when the engine cannot, in which case the reopen tests are skipped.
     */
    protected SnapshotStore reopen(SnapshotStore closed) {
        return null;
    }

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Test
    public void emptyStoreHasNoSnapshot() {
        assertThat(store.latest()).isEmpty();
        assertThat(store.openLatest()).isEmpty();
        store.deleteOlderThan(100);
        assertThat(store.latest()).isEmpty();
    }

    @Test
    public void chunksWrittenReadBackInOtherChunks() {
        byte[] data = randomBytes(1, 300_000);
        SnapshotMetadata meta = metadata(10, 2);

        commit(meta, data, 3);

        assertThat(store.latest()).contains(meta);
        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            assertThat(reader.metadata()).isEqualTo(meta);
            assertThat(reader.size()).isEqualTo(data.length);
            assertThat(readInChunks(reader, 7_777)).isEqualTo(data);
            assertThat(readInChunks(reader, 64 * 1024)).isEqualTo(data);
            assertReadWithin(reader, 1000, 10, data);
            assertReadWithin(reader, data.length - 5, 100, data);
            assertThat(reader.read(data.length, 100).isEmpty()).as("read at the end").isTrue();
            assertThat(reader.read(data.length + 10L, 100).isEmpty()).as("read past the end").isTrue();
        }
    }

    @Test
    public void anEmptySnapshotCanBeCommittedAndRead() {
        commit(metadata(4, 1), new byte[0], 1);

        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            assertThat(reader.size()).isZero();
            assertThat(reader.read(0, 10).isEmpty()).isTrue();
            assertThat(readAll(reader.asInputStream())).isEmpty();
        }
    }

    @Test
    public void commitMakesASnapshotTheLatest() {
        commit(metadata(5, 1), bytesOf("five"), 1);
        assertThat(store.latest()).contains(metadata(5, 1));

        commit(metadata(10, 2), bytesOf("ten"), 1);

        assertThat(store.latest()).contains(metadata(10, 2));
        assertThat(readLatest()).isEqualTo(bytesOf("ten"));
    }

    @Test
    public void uncommittedWriterIsInvisible() {
        commit(metadata(10, 1), bytesOf("ten"), 1);
        SnapshotStore.Writer writer = store.create(metadata(20, 2));
        writer.write(ByteString.copyFrom(bytesOf("twenty")));

        assertThat(store.latest()).contains(metadata(10, 1));
        assertThat(readLatest()).isEqualTo(bytesOf("ten"));

        writer.commit();
        assertThat(store.latest()).contains(metadata(20, 2));
        assertThat(readLatest()).isEqualTo(bytesOf("twenty"));
    }

    @Test
    public void abortDiscardsAndIsIdempotent() {
        commit(metadata(10, 1), bytesOf("ten"), 1);

        SnapshotStore.Writer aborted = store.create(metadata(20, 2));
        aborted.write(ByteString.copyFrom(bytesOf("twenty")));
        aborted.abort();
        aborted.abort();
        aborted.close();

        try (SnapshotStore.Writer closedUncommitted = store.create(metadata(30, 2))) {
            closedUncommitted.write(ByteString.copyFrom(bytesOf("thirty")));
        }

        assertThat(store.latest()).contains(metadata(10, 1));
        assertThat(readLatest()).isEqualTo(bytesOf("ten"));
    }

    @Test
    public void abortAndCloseAfterCommitKeepTheSnapshot() {
        SnapshotStore.Writer writer = store.create(metadata(10, 1));
        writer.write(ByteString.copyFrom(bytesOf("ten")));
        assertThat(writer.metadata()).isEqualTo(metadata(10, 1));
        writer.commit();
        writer.abort();
        writer.close();

        assertThat(store.latest()).contains(metadata(10, 1));
        assertThat(readLatest()).isEqualTo(bytesOf("ten"));
    }

    @Test
    public void anOlderSnapshotCommittedLateDoesNotReplaceTheLatest() {
        commit(metadata(10, 2), bytesOf("ten"), 1);

        commit(metadata(5, 1), bytesOf("five"), 1);
        assertThat(store.latest()).contains(metadata(10, 2));
        assertThat(readLatest()).isEqualTo(bytesOf("ten"));

        commit(metadata(10, 2), bytesOf("ten again, other bytes"), 1);
        assertThat(store.latest()).contains(metadata(10, 2));
        assertThat(readLatest()).as("a commit at the latest index leaves the latest unchanged")
                .isEqualTo(bytesOf("ten"));
    }

    @Test
    public void deleteOlderThanKeepsTheGivenIndexAndNewer() {
        commit(metadata(5, 1), bytesOf("five"), 1);
        commit(metadata(10, 1), bytesOf("ten"), 1);
        commit(metadata(15, 2), bytesOf("fifteen"), 1);

        store.deleteOlderThan(8);
        store.deleteOlderThan(15);
        assertThat(store.latest()).contains(metadata(15, 2));
        assertThat(readLatest()).isEqualTo(bytesOf("fifteen"));

        store.deleteOlderThan(16);
        assertThat(store.latest()).as("the latest is never deleted").contains(metadata(15, 2));
        assertThat(readLatest()).isEqualTo(bytesOf("fifteen"));
    }

    @Test
    public void anOpenReaderSurvivesTheDeletionOfItsSnapshot() throws IOException {
        byte[] data = randomBytes(2, 200_000);
        commit(metadata(10, 1), data, 4);
        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow();
                SnapshotStore.Reader streamed = store.openLatest().orElseThrow()) {
            ByteString head = reader.read(0, 1000);
            InputStream in = streamed.asInputStream();
            byte[] streamedHead = in.readNBytes(1000);

            commit(metadata(20, 1), bytesOf("twenty"), 1);
            store.deleteOlderThan(20);

            assertThat(store.latest()).contains(metadata(20, 1));
            assertThat(head.concat(ByteString.copyFrom(readInChunks(reader, 1000, 50_000))).toByteArray())
                    .isEqualTo(data);
            assertThat(reader.size()).isEqualTo(data.length);
            byte[] rest = readAll(in);
            assertThat(concat(streamedHead, rest)).isEqualTo(data);
        }
    }

    @Test
    public void readersOfOneSnapshotDoNotDisturbEachOther() {
        byte[] data = randomBytes(3, 100_000);
        commit(metadata(7, 1), data, 2);

        try (SnapshotStore.Reader a = store.openLatest().orElseThrow();
                SnapshotStore.Reader b = store.openLatest().orElseThrow()) {
            ByteString fromA = ByteString.EMPTY;
            ByteString fromB = ByteString.EMPTY;
            for (int round = 0; round < data.length && (fromA.size() < data.length || fromB.size() < data.length);
                    round++) {
                fromA = fromA.concat(a.read(fromA.size(), 5000));
                fromB = fromB.concat(b.read(fromB.size(), 3000));
            }
            assertThat(fromA.toByteArray()).isEqualTo(data);
            assertThat(fromB.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    public void streamsRoundTripAMultiMegabytePayload() throws IOException {
        byte[] data = randomBytes(4, 5 * MIB + 123);
        SnapshotStore.Writer writer = store.create(metadata(50, 3));
        Random random = new Random(5);
        try (OutputStream out = writer.asOutputStream()) {
            int pos = 0;
            while (pos < data.length) {
                if (random.nextInt(10) == 0) {
                    out.write(data[pos++]); // the single-byte path too
                } else {
                    int len = Math.min(data.length - pos, 1 + random.nextInt(256 * 1024));
                    out.write(data, pos, len);
                    pos += len;
                }
            }
        }
        assertThat(store.latest()).as("closing the stream does not commit").isEmpty();
        writer.commit();

        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            assertThat(reader.size()).isEqualTo(data.length);
            assertThat(readAll(reader.asInputStream())).isEqualTo(data);
        }
    }

    @Test
    public void reopenKeepsCommittedSnapshotsOnly() {
        byte[] data = randomBytes(6, 3 * MIB);
        SnapshotMetadata meta = metadata(10, 2);
        commit(meta, data, 5);
        SnapshotStore.Writer unfinished = store.create(metadata(20, 3)); // a crash in mid-write
        unfinished.write(ByteString.copyFrom(bytesOf("half of twenty")));

        closeAndReopen();

        assertThat(store.latest()).contains(meta);
        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            assertThat(reader.metadata()).isEqualTo(meta);
            assertThat(readInChunks(reader, MIB)).isEqualTo(data);
        }
        commit(metadata(30, 3), bytesOf("thirty"), 1);
        assertThat(store.latest()).contains(metadata(30, 3));
    }

    @Test
    public void reopenKeepsDeletions() {
        commit(metadata(10, 1), bytesOf("ten"), 1);
        commit(metadata(20, 1), bytesOf("twenty"), 1);
        store.deleteOlderThan(21);

        closeAndReopen();

        assertThat(store.latest()).as("the latest survives deletion and reopen").contains(metadata(20, 1));
        assertThat(readLatest()).isEqualTo(bytesOf("twenty"));
    }

    // ------------------------------------------------------------------ helpers

    /** Closes {@link #store} and reopens it; skips the calling test when the engine cannot reopen. */
    protected final SnapshotStore closeAndReopen() {
        SnapshotStore closing = store;
        closing.close();
        store = null;
        SnapshotStore reopened = reopen(closing);
        assumeTrue(reopened != null, () -> getClass().getSimpleName()
                + " does not override reopen(SnapshotStore), so durability across a reopen is not checked");
        store = reopened;
        return reopened;
    }

    /** Writes {@code data} in {@code chunks} pieces of unequal size and commits it. */
    protected final void commit(SnapshotMetadata meta, byte[] data, int chunks) {
        try (SnapshotStore.Writer writer = store.create(meta)) {
            int pos = 0;
            for (int c = 0; c < chunks; c++) {
                int end = c == chunks - 1 ? data.length : Math.min(data.length, pos + data.length / (chunks + 1) + c);
                writer.write(ByteString.copyFrom(data, pos, end - pos));
                pos = end;
            }
            writer.commit();
        }
    }

    protected static SnapshotMetadata metadata(long index, long term) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addLearners(4)).build();
    }

    /**
     * {@code read(offset, maxBytes)} gives a non-empty prefix of the {@code maxBytes} bytes at
     * {@code offset} ("up to": a short read is allowed, an empty one before the end is not).
     */
    private static void assertReadWithin(SnapshotStore.Reader reader, long offset, int maxBytes, byte[] data) {
        ByteString got = reader.read(offset, maxBytes);
        int available = (int) Math.min(maxBytes, data.length - offset);
        assertThat(got.size()).as("read(%d, %d)", offset, maxBytes).isBetween(1, available);
        assertThat(got).as("read(%d, %d)", offset, maxBytes).isEqualTo(ByteString.copyFrom(data, (int) offset, got.size()));
    }

    private byte[] readLatest() {
        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            return readInChunks(reader, 3);
        }
    }

    private static byte[] readInChunks(SnapshotStore.Reader reader, int chunk) {
        return readInChunks(reader, 0, chunk);
    }

    /** Everything from {@code offset} to the end, read {@code chunk} bytes at a time. */
    private static byte[] readInChunks(SnapshotStore.Reader reader, long from, int chunk) {
        List<ByteString> parts = new ArrayList<>();
        long offset = from;
        while (true) {
            ByteString part = reader.read(offset, chunk);
            if (part.isEmpty()) {
                break;
            }
            assertThat(part.size()).as("read(%d, %d)", offset, chunk).isLessThanOrEqualTo(chunk);
            parts.add(part);
            offset += part.size();
        }
        return ByteString.copyFrom(parts).toByteArray();
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("reading the snapshot stream failed", e);
        }
    }

    private static byte[] randomBytes(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] bytesOf(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
