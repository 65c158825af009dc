package org.understudy.raft.storage.chronicle;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StorageOptions;

/**
 * The probe behind {@link MappedSegments}' choice of read path, not a test (its name does not end
 * in "Test"): writes 200 000 records of 1 KiB with the cache off, then times random reads of one
 * record through a Chronicle tailer ({@code moveToIndex}, the old path), two {@code FileChannel}
 * preads, one speculative 4 KiB pread, and a shared read-only {@code MappedByteBuffer}; each read
 * also checks the CRC and builds the {@code Entry}.
 *
 * <pre>
 * mvn -o -q -B verify -pl raft-storage-chronicle -Dtest=ReadPathProbe -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class ReadPathProbe {

    @Test
    void compare() throws Exception {
        int n = Integer.getInteger("probe.entries", 200_000);
        Path dir = Files.createTempDirectory(Path.of("target"), "probe");
        byte[] data = new byte[1024];
        new SplittableRandom(1).nextBytes(data);
        try (ChronicleLogStorage log = new ChronicleLogStorage(new StorageOptions(dir, "p", 1, 0))) {
            for (long i = 1; i <= n; i += 1000) {
                List<Entry> batch = new ArrayList<>();
                for (long k = i; k < i + 1000; k++) {
                    batch.add(Entry.newBuilder().setIndex(k).setTerm(1).setData(ByteString.copyFrom(data)).build());
                }
                log.append(batch);
                log.sync();
            }
        }
        List<QueueRecords.Located> recs = QueueRecords.list(dir).stream().filter(r -> r.type() == 1).toList();
        System.out.println("records " + recs.size() + " segments " + QueueRecords.segmentFiles(dir));
        for (Path f : QueueRecords.segmentFiles(dir)) {
            System.out.println(f + " size " + Files.size(f));
        }
        Map<Path, FileChannel> channels = new HashMap<>();
        Map<Path, MappedByteBuffer> maps = new HashMap<>();
        for (Path f : QueueRecords.segmentFiles(dir)) {
            FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
            channels.put(f, ch);
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            m.order(ByteOrder.LITTLE_ENDIAN);
            maps.put(f, m);
        }
        // check the chronicle header before each record
        QueueRecords.Located r0 = recs.get(5);
        int header = maps.get(r0.file()).getInt((int) r0.position() - 4);
        System.out.println("header " + Integer.toHexString(header) + " length " + r0.length());
        CRC32C crc = new CRC32C();
        for (int round = 0; round < 3; round++) {
            try (ChronicleLogStorage log = new ChronicleLogStorage(new StorageOptions(dir, "p", 1, 0))) {
                SplittableRandom rnd = new SplittableRandom(7);
                long t0 = System.nanoTime();
                long sink = 0;
                int reads = 2_000;
                for (int k = 0; k < reads; k++) {
                    long i = 1 + rnd.nextInt(n);
                    sink += log.entries(i, i + 1, Long.MAX_VALUE).get(0).getTerm();
                }
                report("log.entries(i, i + 1)", reads, t0, sink);
            }
            {
                SplittableRandom rnd = new SplittableRandom(7);
                ByteBuffer hb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                long t0 = System.nanoTime();
                long sink = 0;
                int reads = 500_000;
                for (int k = 0; k < reads; k++) {
                    QueueRecords.Located r = recs.get(rnd.nextInt(n));
                    FileChannel ch = channels.get(r.file());
                    hb.clear();
                    ch.read(hb, r.position() - 4);
                    int len = hb.getInt(0) & 0x3fffffff;
                    byte[] b = new byte[len];
                    ch.read(ByteBuffer.wrap(b), r.position());
                    sink += check(b, crc);
                }
                report("pread x2", reads, t0, sink);
            }
            {
                SplittableRandom rnd = new SplittableRandom(7);
                long t0 = System.nanoTime();
                long sink = 0;
                int reads = 500_000;
                byte[] spec = new byte[4096 + 4];
                for (int k = 0; k < reads; k++) {
                    QueueRecords.Located r = recs.get(rnd.nextInt(n));
                    FileChannel ch = channels.get(r.file());
                    ByteBuffer sb = ByteBuffer.wrap(spec).order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(sb, r.position() - 4);
                    int len = sb.getInt(0) & 0x3fffffff;
                    byte[] b = java.util.Arrays.copyOfRange(spec, 4, 4 + len);
                    sink += check(b, crc);
                }
                report("pread speculative 4K", reads, t0, sink);
            }
            {
                SplittableRandom rnd = new SplittableRandom(7);
                long t0 = System.nanoTime();
                long sink = 0;
                int reads = 2_000_000;
                for (int k = 0; k < reads; k++) {
                    QueueRecords.Located r = recs.get(rnd.nextInt(n));
                    MappedByteBuffer m = maps.get(r.file());
                    int p = (int) r.position();
                    int len = m.getInt(p - 4) & 0x3fffffff;
                    byte[] b = new byte[len];
                    m.get(p, b);
                    sink += check(b, crc);
                }
                report("mapped", reads, t0, sink);
            }
        }
        for (FileChannel ch : channels.values()) {
            ch.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }


    private static long check(byte[] b, CRC32C crc) {
        if (LogRecord.checkOwned(b, crc) != null) {
            throw new AssertionError("bad");
        }
        return LogRecord.entryOwning(b).getTerm();
    }

    private static void report(String what, int reads, long t0, long sink) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-22s %,12.0f reads/s (%d)%n", what, reads / s, sink);
    }
}
