package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.spi.kit.SnapshotStoreConformanceKit;

/** The whole {@link SnapshotStoreConformanceKit} against the Chronicle store, plus its own behaviour on disk. */
class ChronicleSnapshotStoreTest extends SnapshotStoreConformanceKit {

    @TempDir
    Path root;

    private final Map<SnapshotStore, Path> dirs = new IdentityHashMap<>();
    private int opened;

    @Override
    protected SnapshotStore newStore() {
        return open(root.resolve("snapshots-" + ++opened));
    }

    @Override
    protected SnapshotStore reopen(SnapshotStore closed) {
        return open(dirs.get(closed));
    }

    private SnapshotStore open(Path dir) {
        SnapshotStore s = new ChronicleSnapshotStore(StorageOptions.of(dir, "test-cluster", 1));
        dirs.put(s, dir);
        return s;
    }

    private Path dir() {
        return dirs.get(store);
    }

    private List<Path> snapshotDirs() {
        try (Stream<Path> list = Files.list(dir())) {
            return list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] random(int seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void randomReadsAcrossChunkBoundariesReturnTheRightBytes() {
        byte[] data = random(11, 3 * ChronicleSnapshotStore.CHUNK_SIZE + 777);
        commit(metadata(10, 1), data, 7);
        Random random = new Random(12);
        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            for (int round = 0; round < 200; round++) {
                long offset = random.nextInt(data.length);
                int max = 1 + random.nextInt(2 * ChronicleSnapshotStore.CHUNK_SIZE);
                ByteString got = reader.read(offset, max);
                assertThat(got.size()).as("round %d", round).isEqualTo((int) Math.min(max, data.length - offset));
                assertThat(got).as("read(%d, %d), seed 12 round %d", offset, max, round)
                        .isEqualTo(ByteString.copyFrom(data, (int) offset, got.size()));
            }
        }
    }

    @Test
    void aDamagedChunkIsReportedWhenRead() throws IOException {
        byte[] data = random(13, 2 * ChronicleSnapshotStore.CHUNK_SIZE + 10);
        commit(metadata(10, 1), data, 2);
        Path snapshot = snapshotDirs().get(0);
        Path file;
        try (Stream<Path> files = Files.list(snapshot)) {
            file = files.filter(f -> f.toString().endsWith(LogQueue.SUFFIX)).findFirst().orElseThrow();
        }
        long at = indexOf(Files.readAllBytes(file), data, ChronicleSnapshotStore.CHUNK_SIZE + 100);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) ~data[ChronicleSnapshotStore.CHUNK_SIZE + 100]}), at);
        }

        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            assertThat(reader.read(0, 100)).isEqualTo(ByteString.copyFrom(data, 0, 100));
            assertThatThrownBy(() -> reader.read(ChronicleSnapshotStore.CHUNK_SIZE, 100))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                    .hasMessageContaining("chunk 1");
        }
    }

    /** Where the 16 bytes of {@code data} at {@code from} are in {@code file}. */
    private static long indexOf(byte[] file, byte[] data, int from) {
        outer:
        for (int i = 0; i + 16 <= file.length; i++) {
            for (int k = 0; k < 16; k++) {
                if (file[i + k] != data[from + k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("data not found in the file");
    }

    @Test
    void aWriteCutShortByACrashIsDeletedOnOpenAndThePreviousSnapshotStays() throws IOException {
        commit(metadata(10, 1), random(14, 1000), 1);
        SnapshotStore.Writer unfinished = store.create(metadata(20, 2));
        unfinished.write(ByteString.copyFrom(random(15, 5000)));
        // What a crash leaves behind: a copy of the partial directory, made while it was being written.
        Path partial = snapshotDirs().stream().filter(d -> d.getFileName().toString().startsWith("partial-")).findFirst().orElseThrow();
        Path leftover = partial.resolveSibling("partial-20-999");
        copyTree(partial, leftover);

        closeAndReopen();

        assertThat(leftover).doesNotExist();
        assertThat(store.latest()).contains(metadata(10, 1));
        assertThat(snapshotDirs()).hasSize(1);
    }

    @Test
    void aDeletedSnapshotKeepsItsFilesUntilItsLastReaderCloses() {
        commit(metadata(10, 1), random(16, 1000), 1);
        SnapshotStore.Reader first = store.openLatest().orElseThrow();
        SnapshotStore.Reader second = store.openLatest().orElseThrow();
        commit(metadata(20, 1), random(17, 1000), 1);
        Path old = snapshotDirs().get(0);

        store.deleteOlderThan(20);
        assertThat(old).exists();
        first.close();
        assertThat(old).exists();
        assertThat(second.read(0, 1000)).isEqualTo(ByteString.copyFrom(random(16, 1000)));
        second.close();
        assertThat(old).doesNotExist();
        assertThat(snapshotDirs()).hasSize(1);
    }

    @Test
    void anotherNodesDirectoryIsRefused() {
        Path d = dir();
        store.close();
        store = null;
        assertThatThrownBy(() -> new ChronicleSnapshotStore(StorageOptions.of(d, "test-cluster", 2)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
        assertThatThrownBy(() -> new ChronicleLogStorage(StorageOptions.of(d, "test-cluster", 1)))
                .as("a snapshot directory is not a log directory")
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
