package org.understudy.raft.storage.chronicle;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StorageOptions;

/**
 * Quick measurements, not a test (its name does not end in "Test", so the default build skips
 * it). Run one with, for example:
 *
 * <pre>
 * mvn -o -q -B verify -pl raft-storage-chronicle -Dtest=ChronicleLogPerf#appendAndSyncAgainstRawFileChannel -Dsurefire.failIfNoSpecifiedTests=false
 * mvn -o -q -B verify -pl raft-storage-chronicle -Dtest=ChronicleLogPerf#openTimeOfALargeLog -Dperf.entries=1000000 -Dperf.size=64
 * </pre>
 *
 * Sizes come from system properties: {@code perf.dir} (default: a temporary folder on the same
 * disk as the build), {@code perf.entries}, {@code perf.size}, {@code perf.batches},
 * {@code perf.seconds}.
 */
class ChronicleLogPerf {

    private static Path base() throws IOException {
        String dir = System.getProperty("perf.dir");
        return dir == null ? Files.createTempDirectory("chronicle-perf") : Files.createDirectories(Path.of(dir));
    }

    /**
     * Append+sync of batches against {@code FileChannel.write} + {@code force(false)} appending
     * the same bytes (index, term, length, data per entry) to a plain file. The two alternate in
     * slices of a quarter second, so that the load of other processes hits both alike.
     */
    @Test
    void appendAndSyncAgainstRawFileChannel() throws IOException {
        double seconds = Double.parseDouble(System.getProperty("perf.seconds", "6"));
        int[] sizes = parse(System.getProperty("perf.size", "64,1024"));
        int[] batches = parse(System.getProperty("perf.batches", "1,16,256,1024"));
        Path base = base();
        try {
            System.out.printf("%6s %6s | %12s %12s | %12s %12s | %6s%n", "size", "batch", "raw MB/s", "raw syncs/s",
                    "chron MB/s", "chron syncs/s", "ratio");
            for (int size : sizes) {
                for (int batch : batches) {
                    measure(base, size, batch, seconds);
                }
            }
        } finally {
            delete(base);
        }
    }

    private static void measure(Path base, int size, int batch, double seconds) throws IOException {
        Path rawFile = base.resolve("raw-" + size + "-" + batch + ".bin");
        Path logDir = base.resolve("log-" + size + "-" + batch);
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        ByteString payload = ByteString.copyFrom(data);
        long rawNanos = 0;
        long logNanos = 0;
        long rawSyncs = 0;
        long logSyncs = 0;
        long appendNanos = 0;
        long next = 1;
        ByteBuffer buffer = ByteBuffer.allocateDirect(batch * (size + 20));
        try (FileChannel raw = FileChannel.open(rawFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ChronicleLogStorage log = new ChronicleLogStorage(new StorageOptions(logDir, "perf", 1, 32L << 20))) {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long slice = 250_000_000L;
            while (System.nanoTime() < deadline) {
                // raw
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < slice) {
                    buffer.clear();
                    for (int k = 0; k < batch; k++) {
                        buffer.putLong(next + k).putLong(1).putInt(size).put(data);
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        raw.write(buffer);
                    }
                    raw.force(false);
                    rawSyncs++;
                }
                rawNanos += System.nanoTime() - t0;
                // chronicle: the batch is built outside the timing, as a Raft node hands over ready entries
                long spent = 0;
                while (spent < slice) {
                    List<Entry> entries = new ArrayList<>(batch);
                    for (int k = 0; k < batch; k++) {
                        entries.add(Entry.newBuilder().setIndex(next++).setTerm(1).setData(payload).build());
                    }
                    long s = System.nanoTime();
                    log.append(entries);
                    long a = System.nanoTime();
                    log.sync();
                    long e = System.nanoTime();
                    spent += e - s;
                    appendNanos += a - s;
                    logSyncs++;
                }
                logNanos += spent;
            }
        }
        double rawMb = rawSyncs * (double) batch * size / (rawNanos / 1e3);
        double logMb = logSyncs * (double) batch * size / (logNanos / 1e3);
        System.out.printf("%6d %6d | %12.1f %12.0f | %12.1f %12.0f | %6.2f | append %5.1f%% of the time, %.0f ns/entry%n", size, batch,
                rawMb, rawSyncs / (rawNanos / 1e9), logMb, logSyncs / (logNanos / 1e9), logMb / rawMb,
                100.0 * appendNanos / logNanos, appendNanos / (double) (logSyncs * batch));
        Files.delete(rawFile);
        delete(logDir);
    }

    /** Writes a log of {@code perf.entries} entries of {@code perf.size} bytes, then times opening it. */
    @Test
    void openTimeOfALargeLog() throws IOException {
        long entries = Long.getLong("perf.entries", 1_000_000);
        int size = Integer.getInteger("perf.size", 64);
        Path base = base();
        Path dir = base.resolve("large-log");
        StorageOptions options = StorageOptions.of(dir, "perf", 1);
        byte[] data = new byte[size];
        new Random(1).nextBytes(data);
        ByteString payload = ByteString.copyFrom(data);
        try {
            long t0 = System.nanoTime();
            try (ChronicleLogStorage log = new ChronicleLogStorage(options)) {
                List<Entry> batch = new ArrayList<>(1000);
                for (long i = 1; i <= entries; i++) {
                    batch.add(Entry.newBuilder().setIndex(i).setTerm(1 + i / 100_000).setData(payload).build());
                    if (batch.size() == 1000) {
                        log.append(batch);
                        log.sync();
                        batch = new ArrayList<>(1000);
                    }
                }
                log.append(batch);
                log.sync();
            }
            System.out.printf("wrote %d entries of %d bytes in %.1f s (%s on disk in %d segment files)%n", entries, size,
                    (System.nanoTime() - t0) / 1e9, du(dir), QueueRecords.segmentFiles(dir).size());
            for (int round = 1; round <= 3; round++) {
                long t1 = System.nanoTime();
                try (ChronicleLogStorage log = new ChronicleLogStorage(options)) {
                    long opened = System.nanoTime() - t1;
                    long t2 = System.nanoTime();
                    long last = log.lastIndex();
                    List<Entry> tail = log.entries(last - 99, last + 1, Long.MAX_VALUE);
                    System.out.printf("open %d: %.0f ms (lastIndex %d, term %d), then 100 entries read in %.1f ms%n", round, opened / 1e6,
                            last, log.term(last), (System.nanoTime() - t2) / 1e6, tail.size());
                }
            }
        } finally {
            delete(base);
        }
    }

    private static String du(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            long bytes = 0;
            for (Path f : (Iterable<Path>) files::iterator) {
                Object blocks = Files.getAttribute(f, "unix:size");
                bytes += ((Number) blocks).longValue();
            }
            return (bytes >> 20) + " MiB apparent";
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Reads of a log of {@code perf.entries} (default 200 000) entries of {@code perf.size} (1024)
     * bytes with the entry cache off, page cache warm: sequential range reads as replication makes
     * them ({@code entries(i, i + 256, 1 MiB)} over the whole log), then uniformly random
     * single-entry reads. Each is run for {@code perf.seconds} (default 4), three rounds.
     */
    @Test
    void sequentialAndRandomReads() throws IOException {
        long entries = Long.getLong("perf.entries", 200_000);
        int size = Integer.getInteger("perf.size", 1024);
        double seconds = Double.parseDouble(System.getProperty("perf.seconds", "4"));
        Path base = base();
        Path dir = base.resolve("read-log");
        StorageOptions options = new StorageOptions(dir, "perf", 1, 0);
        byte[] data = new byte[size];
        new Random(1).nextBytes(data);
        ByteString payload = ByteString.copyFrom(data);
        try (ChronicleLogStorage log = new ChronicleLogStorage(options)) {
            List<Entry> batch = new ArrayList<>(1000);
            for (long i = 1; i <= entries; i++) {
                batch.add(Entry.newBuilder().setIndex(i).setTerm(1).setData(payload).build());
                if (batch.size() == 1000 || i == entries) {
                    log.append(batch);
                    log.sync();
                    batch = new ArrayList<>(1000);
                }
            }
            Random random = new Random(20240501L);
            for (int round = 1; round <= 3; round++) {
                long deadline = System.nanoTime() + (long) (seconds * 1e9);
                long read = 0;
                long t0 = System.nanoTime();
                long next = 1;
                while (System.nanoTime() < deadline) {
                    List<Entry> got = log.entries(next, Math.min(next + 256, entries + 1), 1L << 20);
                    read += got.size();
                    next += got.size();
                    if (next > entries) {
                        next = 1;
                    }
                }
                double sequential = read / ((System.nanoTime() - t0) / 1e9);
                deadline = System.nanoTime() + (long) (seconds * 1e9);
                read = 0;
                t0 = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    for (int k = 0; k < 64; k++) {
                        long i = 1 + (long) (random.nextDouble() * entries);
                        read += log.entries(i, i + 1, Long.MAX_VALUE).size();
                    }
                }
                double randomRate = read / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("round %d: sequential %,.0f entries/s, random single %,.0f reads/s (load %s)%n", round, sequential,
                        randomRate, Files.readString(Path.of("/proc/loadavg")).trim());
            }
        } finally {
            delete(base);
        }
    }

    private static int[] parse(String list) {
        return java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
