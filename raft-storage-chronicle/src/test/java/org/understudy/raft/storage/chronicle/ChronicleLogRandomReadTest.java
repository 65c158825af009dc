package org.understudy.raft.storage.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.understudy.raft.spi.kit.LogFixtures.entry;
import static org.understudy.raft.spi.kit.LogFixtures.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.LogCompactedException;
import org.understudy.raft.spi.StorageException;
import org.understudy.raft.spi.StorageOptions;

/**
 * Single-entry reads that miss the entry cache go straight to the record's bytes in a mapping of
 * its segment file ({@link MappedSegments}): across segment rolls, after truncation and overwrite,
 * before a sync, after reopening, under concurrent appends and compactions (which delete and unmap
 * segments), and with a damaged record. The entry cache is off throughout, so every read is one.
 */
class ChronicleLogRandomReadTest {

    private static final ChronicleLogSettings TINY = new ChronicleLogSettings(ChronicleLogSettings.MIN_SEGMENT_BYTES);

    @TempDir
    Path root;

    private ChronicleLogStorage log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private ChronicleLogStorage open(Path dir, ChronicleLogSettings settings) {
        log = new ChronicleLogStorage(new StorageOptions(dir, "read-cluster", 1, 0), settings);
        return log;
    }

    /** The entry written at {@code index} in {@code term}: its size (16..815 bytes) and data follow from both. */
    private static Entry written(long index, long term) {
        return entry(index, term, 16 + (int) Math.floorMod(index * 7919 + term * 104_729, 800));
    }

    private static List<Entry> run(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(written(i, term));
        }
        return out;
    }

    /** Reads every index of {@code expected} (1-based, contiguous) once, in a seeded random order, one entry per call. */
    private static void readAllAtRandom(ChronicleLogStorage log, List<Entry> expected, long seed, String when) {
        long first = expected.get(0).getIndex();
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k < expected.size() * 2; k++) {
            long i = first + random.nextInt(expected.size());
            assertThat(log.entries(i, i + 1, 1)).as("entry %d %s (seed %d)", i, when, seed)
                    .containsExactly(expected.get((int) (i - first)));
        }
    }

    @Test
    void randomReadsAcrossSegmentRollsBeforeAndAfterSyncAndAfterReopen() {
        long seed = System.nanoTime();
        Path dir = root.resolve("log");
        open(dir, TINY);
        List<Entry> expected = run(1, 1500, 1);
        for (int from = 0; from < expected.size(); from += 25) {
            log.append(expected.subList(from, from + 25));
            if (from < 1000) {
                log.sync(); // the last 500 entries stay unsynced: readable all the same
            }
        }
        assertThat(log.currentSegment()).as("segments rolled").isGreaterThan(20);
        readAllAtRandom(log, expected, seed, "before the last sync");
        log.sync();
        log.close();
        open(dir, TINY);
        readAllAtRandom(log, expected, seed + 1, "after reopening");
    }

    @Test
    void randomReadsSeeTheLatestWriteOfAnIndexAfterTruncationAndOverwrite() {
        long seed = System.nanoTime();
        Path dir = root.resolve("log");
        open(dir, TINY);
        log.append(run(1, 600, 1));
        log.truncateSuffix(401);
        log.append(run(401, 500, 2));
        log.append(run(451, 700, 3)); // an overwrite without a marker
        log.sync();
        List<Entry> expected = new ArrayList<>(run(1, 400, 1));
        expected.addAll(run(401, 450, 2));
        expected.addAll(run(451, 700, 3));
        readAllAtRandom(log, expected, seed, "after truncation and overwrite");
        assertThatThrownBy(() -> log.entries(701, 702, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        log.close();
        open(dir, TINY);
        readAllAtRandom(log, expected, seed + 1, "after reopening");
    }

    /**
     * One writer appends (sometimes overwriting a suffix in a new term), compacts and syncs, which
     * deletes segments and unmaps them; three readers read single entries and short runs at
     * random meanwhile. A read must return exactly the entry written for that index in some term,
     * or report the index compacted or past the end; nothing else.
     */
    @Test
    void concurrentReadersDuringAppendsCompactionsAndSegmentDeletions() throws Exception {
        long seed = System.nanoTime();
        String context = "seed " + seed;
        open(root.resolve("log"), TINY);
        log.append(run(1, 200, 1));
        log.sync();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                SplittableRandom random = new SplittableRandom(seed + r);
                readers.add(pool.submit(() -> readAtRandom(random, done, reads, context)));
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> reads.get() > 100);
            SplittableRandom random = new SplittableRandom(seed);
            long term = 1;
            long last = 200;
            int segmentsBefore = log.currentSegment();
            for (int step = 0; step < 200; step++) {
                if (random.nextInt(5) == 0) {
                    term++;
                    long from = Math.max(log.firstIndex(), last - random.nextInt(30));
                    last = from + 20 + random.nextInt(40);
                    log.append(run(from, last, term));
                } else {
                    log.append(run(last + 1, last + 40, term));
                    last += 40;
                }
                if (random.nextInt(4) == 0) {
                    long to = last - 50 - random.nextInt(50);
                    if (to > log.compactedTo().getIndex()) {
                        log.compactPrefix(snapshot(to, log.term(to)));
                    }
                }
                log.sync();
            }
            assertThat(log.currentSegment() - segmentsBefore).as("segments rolled (%s)", context).isGreaterThan(20);
            long readsSoFar = reads.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> reads.get() > readsSoFar + 100);
            done.set(true);
            for (Future<Long> reader : readers) {
                assertThat(reader.get(1, TimeUnit.MINUTES)).as("reads checked (%s)", context).isPositive();
            }
            assertThat(QueueRecords.segmentFiles(root.resolve("log")).size()).as("segments left (%s)", context)
                    .isLessThan(log.currentSegment() - segmentsBefore);
            assertNoDeletedFileMapped(root.resolve("log"));
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    private long readAtRandom(SplittableRandom random, AtomicBoolean done, AtomicLong reads, String context) {
        long checked = 0;
        while (!done.get()) {
            long first = log.firstIndex();
            long last = log.lastIndex();
            if (last < first) {
                continue;
            }
            long i = first + random.nextLong(last - first + 1);
            int n = random.nextInt(4) == 0 ? 1 + random.nextInt(20) : 1;
            List<Entry> got;
            try {
                got = log.entries(i, Math.min(i + n, last + 1), Long.MAX_VALUE);
            } catch (LogCompactedException | IndexOutOfBoundsException movedMeanwhile) {
                continue;
            }
            for (int k = 0; k < got.size(); k++) {
                Entry e = got.get(k);
                assertThat(e.getIndex()).as("index (%s)", context).isEqualTo(i + k);
                assertThat(e).as("entry %d (%s)", e.getIndex(), context).isEqualTo(written(e.getIndex(), e.getTerm()));
            }
            checked++;
            reads.incrementAndGet();
        }
        return checked;
    }

    /** Deleted segment files must not stay mapped: their disk space is freed only when unmapped. */
    private static void assertNoDeletedFileMapped(Path dir) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return; // not Linux; nothing to look at
        }
        String prefix = dir.toAbsolutePath().toString();
        List<String> deleted = Files.readAllLines(maps).stream()
                .filter(line -> line.contains(prefix) && line.endsWith("(deleted)")).toList();
        assertThat(deleted).as("mappings of deleted segment files").isEmpty();
    }

    @Test
    void aRecordBeyondTheFirstMappingOfAGrowingSegmentIsReadAndTheOldMappingReleased() throws IOException {
        Path dir = root.resolve("log");
        // Segments larger than a fresh file (Chronicle creates ~80 MiB, then grows it 64 MiB at a time).
        open(dir, new ChronicleLogSettings(256L << 20));
        Entry small = written(1, 1);
        log.append(List.of(small));
        log.sync();
        assertThat(log.entries(1, 2, 1)).containsExactly(small); // maps the file at its first size
        long firstSize = Files.size(log.recordFile(1));
        int windows = log.mappedWindows();
        byte[] megabyte = new byte[1 << 20];
        long index = 1;
        while (log.recordOffset(index) < firstSize && index < 200) {
            index++;
            new SplittableRandom(index).nextBytes(megabyte);
            log.append(List.of(entry(index, 1, 0).toBuilder().setData(com.google.protobuf.ByteString.copyFrom(megabyte)).build()));
        }
        assertThat(log.recordOffset(index)).as("a record past the first mapping").isGreaterThanOrEqualTo(firstSize);
        assertThat(log.currentSegment()).as("still in the first segment").isZero();
        new SplittableRandom(index).nextBytes(megabyte);
        assertThat(log.entries(index, index + 1, 1).get(0).getData().toByteArray()).isEqualTo(megabyte);
        assertThat(log.mappedWindows()).as("a larger mapping and the retired first one").isEqualTo(windows + 1);
        assertThat(log.entries(1, 2, 1)).containsExactly(small); // the new mapping serves old records too
        log.compactPrefix(snapshot(index - 1, 1));
        log.sync(); // no segment to delete, but the retired mapping is released
        assertThat(log.mappedWindows()).isEqualTo(windows);
        assertThat(log.entries(index, index + 1, 1)).hasSize(1);
    }

    @Test
    void aFlippedByteInARecordIsCorruptOnReadNamingTheFileAndPosition() throws IOException {
        Path dir = root.resolve("log");
        open(dir, TINY);
        List<Entry> expected = run(1, 300, 1);
        log.append(expected);
        log.sync();
        long damaged = 123;
        Path file = log.recordFile(damaged);
        long offset = log.recordOffset(damaged);
        flip(file, offset + LogRecord.HEADER_BYTES + 5); // in the entry's data

        assertThatThrownBy(() -> log.entries(damaged, damaged + 1, 1))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPT))
                .hasMessageContaining("entry " + damaged)
                .hasMessageContaining("byte " + offset + " of " + file)
                .hasMessageContaining("CRC32C");
        assertThatThrownBy(() -> log.entries(damaged - 2, damaged + 2, Long.MAX_VALUE)).isInstanceOf(StorageException.class);
        assertThat(log.entries(damaged + 1, damaged + 2, 1)).containsExactly(expected.get((int) damaged));

        // Another record's length field (the top byte: a length beyond any record): still CORRUPT,
        // never a read past the record.
        long other = 200;
        Path otherFile = log.recordFile(other);
        long otherOffset = log.recordOffset(other);
        flip(otherFile, otherOffset + LogRecord.LENGTH_FIELD_OFFSET + 3);
        assertThatThrownBy(() -> log.entries(other, other + 1, 1))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPT))
                .hasMessageContaining("byte " + otherOffset + " of " + otherFile);
        assertThat(log.entries(other + 1, other + 2, 1)).containsExactly(expected.get((int) other));
    }

    private static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            ch.write(b.rewind(), at);
        }
    }
}
