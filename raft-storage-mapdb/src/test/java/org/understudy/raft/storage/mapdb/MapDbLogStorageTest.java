package org.understudy.raft.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.raft.spi.kit.LogFixtures.entries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.kit.LogStorageConformanceKit;

/** The whole {@link LogStorageConformanceKit} against MapDB, plus corruption and format checks. */
class MapDbLogStorageTest extends LogStorageConformanceKit {

    private final Map<LogStorage, Path> dirs = new IdentityHashMap<>();
    private Path root;

    @Override
    protected LogStorage newStorage() {
        try {
            root = Files.createTempDirectory("mapdb-log-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open(root.resolve("log"));
    }

    @Override
    protected LogStorage reopen(LogStorage closed) {
        return open(dirs.get(closed));
    }

    private LogStorage open(Path dir) {
        MapDbLogStorage s = new MapDbLogStorage(dir);
        dirs.put(s, dir);
        return s;
    }

    @AfterEach
    void deleteFiles() throws IOException {
        if (storage != null) {
            storage.close();
            storage = null;
        }
        if (root != null && Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static DB raw(Path dir) {
        return DBMaker.fileDB(dir.resolve(MapDbLogStorage.FILE_NAME).toFile()).transactionEnable().make();
    }

    @Test
    void aCorruptedEntryIsReportedWithItsIndex() {
        storage.append(entries(1, 5, 1));
        Path dir = dirs.get(storage);
        storage.sync();
        storage.close();
        storage = null;

        try (DB db = raw(dir)) {
            BTreeMap<Long, byte[]> map = db.treeMap(MapDbLogStorage.ENTRIES_MAP, Serializer.LONG, Serializer.BYTE_ARRAY)
                    .valuesOutsideNodesEnable()
                    .open();
            map.put(3L, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            db.commit();
        }

        storage = open(dir);
        assertThat(storage.lastIndex()).isEqualTo(5);
        assertThat(storage.entries(1, 3, NO_LIMIT)).containsExactlyElementsOf(entries(1, 2, 1));
        assertThatThrownBy(() -> storage.entries(1, 6, NO_LIMIT))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("entry 3");
        assertThatThrownBy(() -> storage.term(3))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("entry 3");
        assertThat(storage.term(4)).isEqualTo(1);
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        Path dir = dirs.get(storage);
        storage.sync();
        storage.close();
        storage = null;

        try (DB db = raw(dir)) {
            BTreeMap<String, byte[]> meta = db.treeMap(MapDbLogStorage.META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY)
                    .open();
            meta.put(MapDbLogStorage.KEY_FORMAT, MapDbLogStorage.seal(0, ByteBuffer.allocate(4).putInt(99).array()));
            db.commit();
        }

        assertThatThrownBy(() -> new MapDbLogStorage(dir))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("format version 99");
    }
    /** The kit's concurrency test never truncates; this one overwrites a suffix under readers. */
    @Test
    void aReadNeverMixesAnOldAndANewSuffix() throws Exception {
        storage.append(entries(1, 100, 1));
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    long checked = 0;
                    boolean last = false;
                    while (!last) {
                        last = done.get();
                        long hi = Math.min(101, storage.lastIndex() + 1);
                        List<Entry> got;
                        try {
                            got = storage.entries(40, hi, NO_LIMIT);
                        } catch (IndexOutOfBoundsException shrunkMeanwhile) {
                            continue;
                        }
                        Set<Long> suffixTerms = new HashSet<>();
                        for (Entry e : got) {
                            if (e.getIndex() >= 50) {
                                suffixTerms.add(e.getTerm());
                            }
                        }
                        assertThat(suffixTerms).as("terms of one read of [40, %d)", hi).hasSizeLessThanOrEqualTo(1);
                        checked++;
                    }
                    return checked;
                }));
            }
            try {
                for (long term = 2; term <= 200; term++) {
                    storage.append(entries(50, 100, term));
                    if (term % 20 == 0) {
                        storage.sync();
                    }
                }
            } finally {
                done.set(true);
            }
            for (Future<Long> reader : readers) {
                assertThat(reader.get(2, TimeUnit.MINUTES)).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(storage.entries(50, 101, NO_LIMIT)).containsExactlyElementsOf(entries(50, 100, 200));
    }
}
