package org.understudy.raft.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageException.Kind;
import org.understudy.raft.spi.StorageOptions;
import org.understudy.raft.spi.kit.SnapshotStoreConformanceKit;

/** The whole {@link SnapshotStoreConformanceKit} against MapDB, plus damaged files and foreign directories. */
class MapDbSnapshotStoreTest extends SnapshotStoreConformanceKit {

    private static final String CLUSTER = "test-cluster";

    @TempDir
    Path root;

    private final Map<SnapshotStore, StorageOptions> opened = new IdentityHashMap<>();
    private int dirs;

    @Override
    protected SnapshotStore newStore() {
        return open(StorageOptions.of(root.resolve("snapshots-" + dirs++), CLUSTER, 1));
    }

    @Override
    protected SnapshotStore reopen(SnapshotStore closed) {
        return open(opened.get(closed));
    }

    private SnapshotStore open(StorageOptions options) {
        SnapshotStore s = new MapDbSnapshotStore(options);
        opened.put(s, options);
        return s;
    }

    private Path dirOfStore() {
        return opened.get(store).dataDir();
    }

    private static byte[] randomBytes(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void aDamagedChunkIsReportedWithItsOffsetAndFile() throws Exception {
        byte[] data = randomBytes(11, 200_000);
        commit(metadata(10, 1), data, 3);
        Path dir = dirOfStore();
        store.close();
        Path file = dir.resolve(SnapshotFiles.committedName(10));
        long offset = 2L * SnapshotFiles.CHUNK_BYTES;
        try (DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().make()) {
            BTreeMap<Long, byte[]> chunks = SnapshotFiles.chunks(db, false);
            byte[] chunk = chunks.get(offset);
            chunk[100] ^= 0x10;
            chunks.put(offset, chunk);
            db.commit();
        }

        store = open(StorageOptions.of(dir, CLUSTER, 1));
        try (SnapshotStore.Reader reader = store.openLatest().orElseThrow()) {
            assertThat(reader.read(0, SnapshotFiles.CHUNK_BYTES).toByteArray())
                    .as("the chunks before the damaged one still read")
                    .isEqualTo(java.util.Arrays.copyOf(data, SnapshotFiles.CHUNK_BYTES));
            assertThatThrownBy(() -> reader.read(offset + 5, 10))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
                    .hasMessageContaining("offset " + offset)
                    .hasMessageContaining(file.toString());
            assertThatThrownBy(() -> reader.asInputStream().readAllBytes()).isInstanceOf(StorageException.class);
        }
    }

    /** A cut snapshot file reads back whole (when only unused space was cut) or fails clearly; never other bytes. */
    @Test
    void aSnapshotFileCutShortIsAClearError() throws Exception {
        byte[] data = randomBytes(12, 300_000);
        commit(metadata(10, 1), data, 2);
        Path dir = dirOfStore();
        store.close();
        store = null;
        Path file = dir.resolve(SnapshotFiles.committedName(10));
        byte[] whole = Files.readAllBytes(file);
        int refused = 0;
        for (long length : new long[] {0, 16, whole.length / 3, whole.length / 2, whole.length - 8}) {
            Files.write(file, whole);
            RawLogFiles.truncate(file, length);
            try (SnapshotStore s = new MapDbSnapshotStore(StorageOptions.of(dir, CLUSTER, 1));
                    SnapshotStore.Reader r = s.openLatest().orElseThrow()) {
                assertThat(r.asInputStream().readAllBytes()).as("cut at %d", length).isEqualTo(data);
            } catch (StorageException e) {
                assertThat(e.kind()).as("cut at %d: %s", length, e).isIn(Kind.CORRUPT, Kind.IO);
                assertThat(e.getMessage()).contains(file.toString());
                refused++;
            }
        }
        assertThat(refused).as("the cuts into the data were refused").isGreaterThanOrEqualTo(3);
    }

    @Test
    void anUnfinishedSnapshotLeftByACrashIsDeletedOnOpen() throws Exception {
        commit(metadata(10, 1), randomBytes(13, 1000), 1);
        Path dir = dirOfStore();
        SnapshotStore.Writer unfinished = store.create(metadata(20, 2));
        unfinished.write(ByteString.copyFrom(randomBytes(14, 100_000)));
        Path partial;
        try (Stream<Path> files = Files.list(dir)) {
            partial = files.filter(SnapshotFiles::isPartial).findFirst().orElseThrow();
        }
        Path copy = root.resolve("partial-copy");
        Files.copy(partial, copy);
        store.close(); // aborts and deletes the partial file; put it back as a crash would have left it
        Files.copy(copy, partial);

        store = open(StorageOptions.of(dir, CLUSTER, 1));

        assertThat(store.latest()).contains(metadata(10, 1));
        assertThat(partial).doesNotExist();
    }

    @Test
    void aDirectoryOfAnotherClusterNodeOrEngineIsRefused() {
        Path dir = dirOfStore();
        store.close();
        store = null;

        assertThatThrownBy(() -> new MapDbSnapshotStore(StorageOptions.of(dir, "other", 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
        assertThatThrownBy(() -> new MapDbSnapshotStore(StorageOptions.of(dir, CLUSTER, 3)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
        Path logDir = root.resolve("a-log");
        new MapDbLogStorage(StorageOptions.of(logDir, CLUSTER, 1)).close();
        assertThatThrownBy(() -> new MapDbSnapshotStore(StorageOptions.of(logDir, CLUSTER, 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FOREIGN_DATA));
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsLocked() {
        assertThatThrownBy(() -> new MapDbSnapshotStore(StorageOptions.of(dirOfStore(), CLUSTER, 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCKED));
    }

    @Test
    void aDeletedSnapshotsFileGoesWhenItsLastReaderCloses() {
        commit(metadata(10, 1), randomBytes(15, 5000), 1);
        Path file = dirOfStore().resolve(SnapshotFiles.committedName(10));
        SnapshotStore.Reader reader = store.openLatest().orElseThrow();
        commit(metadata(20, 1), randomBytes(16, 5000), 1);

        store.deleteOlderThan(20);
        assertThat(file).as("still read").exists();
        reader.close();

        assertThat(file).doesNotExist();
    }
}
