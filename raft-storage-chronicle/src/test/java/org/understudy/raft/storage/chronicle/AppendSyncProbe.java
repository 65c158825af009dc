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
 * Where the time of an append+sync goes, against a raw {@code write} + {@code fdatasync}; not a
 * test (its name does not end in "Test"). Alternates 250 ms slices of each and reports, per
 * batch: time in append and in sync, minor page faults of the writing thread, bytes the thread
 * wrote to the disk ({@code /proc/thread-self/io write_bytes}, which a sync's writeback is
 * charged to) and sectors the disk wrote ({@code /proc/diskstats}, all processes).
 *
 * <pre>
 * mvn -o -q -B verify -pl raft-storage-chronicle -Dtest=AppendSyncProbe -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dprobe.size=1024 -Dprobe.batch=256 -Dprobe.seconds=10
 * </pre>
 *
 * {@code -Dprobe.only=raw|chronicle} runs one side only (for {@code perf}); {@code
 * -Dprobe.readTail=true} reads the newest entry back after each sync with the entry cache off
 * (does the readers' mapping pull in pages ahead of the writer?). {@link #main} runs it without
 * surefire, given the test classpath and Chronicle's JVM flags.
 */
class AppendSyncProbe {

    private static final class Totals {
        long batches;
        long appendNanos;
        long syncNanos;
        long faults;
        long writeBytes;
        long diskSectors;
        long diskWrites;

        String line(String name, int batch, int size) {
            double n = batches;
            double seconds = (appendNanos + syncNanos) / 1e9;
            return String.format("%-9s %6.0f batches/s | append %6.0f us  sync %6.0f us | faults %6.1f | thread wrote %7.0f KB"
                    + " | disk %7.0f KB in %4.1f writes, per batch of %d KB", name, n / seconds, appendNanos / n / 1e3, syncNanos / n / 1e3,
                    faults / n, writeBytes / n / 1e3, diskSectors * 512 / n / 1e3, diskWrites / n, (long) batch * size / 1000);
        }
    }

    /** Runs the probe without surefire, e.g. under {@code perf}: the test classpath and Chronicle's JVM flags. */
    public static void main(String[] args) throws IOException {
        new AppendSyncProbe().probe();
    }

    @Test
    void probe() throws IOException {
        int size = Integer.getInteger("probe.size", 1024);
        int batch = Integer.getInteger("probe.batch", 256);
        double seconds = Double.parseDouble(System.getProperty("probe.seconds", "10"));
        String only = System.getProperty("probe.only", "both"); // raw, chronicle or both
        // Read the newest entry back through the log's read mapping after each sync (entry cache off).
        boolean readTail = Boolean.getBoolean("probe.readTail");
        Path base = Files.createTempDirectory(Path.of(System.getProperty("probe.dir", "target")).toAbsolutePath(), "append-probe");
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        ByteString payload = ByteString.copyFrom(data);
        Totals raw = new Totals();
        Totals chron = new Totals();
        long next = 1;
        ByteBuffer buffer = ByteBuffer.allocateDirect(batch * (size + 30));
        try (FileChannel rawFile = FileChannel.open(base.resolve("raw.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ChronicleLogStorage log = new ChronicleLogStorage(new StorageOptions(base.resolve("log"), "perf", 1, readTail ? 0 : 32L << 20))) {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long slice = 250_000_000L;
            while (System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                while (!only.equals("chronicle") && System.nanoTime() - t0 < slice) {
                    long[] before = counters();
                    long s = System.nanoTime();
                    buffer.clear();
                    for (int k = 0; k < batch; k++) {
                        buffer.putInt(size + 20).putLong(next + k).putLong(1).put(data).putInt(0);
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        rawFile.write(buffer);
                    }
                    long a = System.nanoTime();
                    rawFile.force(false);
                    long e = System.nanoTime();
                    add(raw, before, counters(), a - s, e - a);
                }
                long spent = 0;
                while (!only.equals("raw") && spent < slice) {
                    List<Entry> entries = new ArrayList<>(batch);
                    for (int k = 0; k < batch; k++) {
                        entries.add(Entry.newBuilder().setIndex(next++).setTerm(1).setData(payload).build());
                    }
                    long[] before = counters();
                    long s = System.nanoTime();
                    log.append(entries);
                    long a = System.nanoTime();
                    log.sync();
                    long e = System.nanoTime();
                    if (readTail) {
                        log.entries(next - 1, next, Long.MAX_VALUE);
                    }
                    add(chron, before, counters(), a - s, e - a);
                    spent += e - s;
                }
            }
            System.out.println(raw.line("raw", batch, size));
            System.out.println(chron.line("chronicle", batch, size));
            System.out.println("load " + Files.readString(Path.of("/proc/loadavg")).trim());
            for (Path f : QueueRecords.segmentFiles(base.resolve("log"))) {
                System.out.println(f.getFileName() + " size " + Files.size(f) + " allocated " + Files.getAttribute(f, "unix:size"));
            }
        } finally {
            delete(base);
        }
    }

    private static void add(Totals t, long[] before, long[] after, long appendNanos, long syncNanos) {
        t.batches++;
        t.appendNanos += appendNanos;
        t.syncNanos += syncNanos;
        t.faults += after[0] - before[0];
        t.writeBytes += after[1] - before[1];
        t.diskSectors += after[2] - before[2];
        t.diskWrites += after[3] - before[3];
    }

    /** Minor faults of this thread, its write_bytes, sectors written and writes completed by the root disk. */
    private static long[] counters() throws IOException {
        String[] stat = Files.readString(Path.of("/proc/thread-self/stat")).split("\\) ", 2)[1].split(" ");
        long minflt = Long.parseLong(stat[7]); // field 10 overall; 8th after "pid (comm) "
        long writeBytes = 0;
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/io"))) {
            if (line.startsWith("write_bytes:")) {
                writeBytes = Long.parseLong(line.substring(12).trim());
            }
        }
        long sectors = 0;
        long writes = 0;
        for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] f = line.trim().split("\\s+");
            if (f[2].equals("vda")) {
                sectors = Long.parseLong(f[9]);
                writes = Long.parseLong(f[7]);
            }
        }
        return new long[] {minflt, writeBytes, sectors, writes};
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
