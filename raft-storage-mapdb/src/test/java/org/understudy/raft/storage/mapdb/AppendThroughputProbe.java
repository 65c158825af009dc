package org.understudy.raft.storage.mapdb;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StorageOptions;

/**
 * Not a test: measures append+sync throughput of {@link MapDbLogStorage} against a raw
 * {@code FileChannel.write} + {@code force(false)} of the same framed entries on a plain file,
 * in alternating rounds of the same run, batches of 256 entries of 64 B and 1 KiB of data.
 * Also measures stock MapDB ({@code transactionEnable()}, memory-mapped, one record per batch)
 * for comparison. Prints the median ratio of data bytes per second.
 *
 * <pre>
 * mvn -o -q -B install -DskipTests
 * mvn -o -q dependency:build-classpath -pl raft-storage-mapdb -Dmdep.outputFile=/tmp/cp.txt
 * java -cp raft-storage-mapdb/target/test-classes:raft-storage-mapdb/target/classes:$(cat /tmp/cp.txt) \
 *     org.understudy.raft.storage.mapdb.AppendThroughputProbe [seconds per round, 2] [rounds, 5] [dir, /tmp] \
 *     [engines, mapdb,stock-mapdb] [entry sizes, 64,1024]
 * </pre>
 */
public final class AppendThroughputProbe {

    private static final int BATCH = 256;

    private interface Sink extends AutoCloseable {
        void appendAndSync(List<Entry> batch) throws IOException;

        @Override
        void close() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path base = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
        List<String> engines = List.of((args.length > 3 ? args[3] : "mapdb,stock-mapdb").split(","));
        String[] sizeArgs = (args.length > 4 ? args[4] : "64,1024").split(",");
        System.out.printf("batch %d, %.1f s per run, %d rounds, in %s, %d cores%n", BATCH, seconds, rounds, base,
                Runtime.getRuntime().availableProcessors());
        for (String sizeArg : sizeArgs) {
            int size = Integer.parseInt(sizeArg);
            Map<String, List<Double>> ratios = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                double raw = run("raw", size, seconds, base);
                for (String engine : engines) {
                    ratios.computeIfAbsent(engine, k -> new ArrayList<>()).add(run(engine, size, seconds, base) / raw);
                }
            }
            for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
                List<Double> r = e.getValue();
                Collections.sort(r);
                System.out.printf("RESULT %4d B entries: %-12s / raw = median %.2f (min %.2f, max %.2f)%n", size,
                        e.getKey(), r.get(r.size() / 2), r.get(0), r.get(r.size() - 1));
            }
        }
    }

    /** Data bytes per second. */
    private static double run(String what, int size, double seconds, Path base) throws Exception {
        Path dir = Files.createTempDirectory(base, "probe-");
        try (Sink sink = open(what, dir)) {
            long index = 1;
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            ByteString payload = ByteString.copyFrom(data);
            long warmEnd = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < warmEnd) {
                sink.appendAndSync(batch(index, payload));
                index += BATCH;
            }
            long batches = 0;
            List<Long> latencies = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now = start;
            while (now < end) {
                sink.appendAndSync(batch(index, payload));
                long after = System.nanoTime();
                latencies.add(after - now);
                now = after;
                index += BATCH;
                batches++;
            }
            double elapsed = (now - start) / 1e9;
            double bytesPerSecond = batches * BATCH * (double) size / elapsed;
            Collections.sort(latencies);
            System.out.printf("%-12s %5d B: %8.0f batches/s %9.0f entries/s %8.2f MB/s  append+sync ms p50 %.1f p99 %.1f max %.1f%n",
                    what, size, batches / elapsed, batches * BATCH / elapsed, bytesPerSecond / 1e6,
                    latencies.get(latencies.size() / 2) / 1e6, latencies.get((int) (latencies.size() * 0.99)) / 1e6,
                    latencies.get(latencies.size() - 1) / 1e6);
            return bytesPerSecond;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<Entry> batch(long first, ByteString payload) {
        List<Entry> out = new ArrayList<>(BATCH);
        for (int k = 0; k < BATCH; k++) {
            out.add(Entry.newBuilder().setIndex(first + k).setTerm(1).setData(payload).build());
        }
        return out;
    }

    private static Sink open(String what, Path dir) throws IOException {
        switch (what) {
            case "raw": {
                FileChannel ch = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                return new Sink() {
                    @Override
                    public void appendAndSync(List<Entry> batch) throws IOException {
                        ByteBuffer buf = ByteBuffer.wrap(framed(batch));
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        ch.force(false);
                    }

                    @Override
                    public void close() throws IOException {
                        ch.close();
                    }
                };
            }
            case "mapdb": {
                MapDbLogStorage log = new MapDbLogStorage(StorageOptions.of(dir, "probe", 1));
                return new Sink() {
                    @Override
                    public void appendAndSync(List<Entry> batch) {
                        log.append(batch);
                        log.sync();
                    }

                    @Override
                    public void close() {
                        log.close();
                    }
                };
            }
            case "stock-mapdb": {
                DB db = DBMaker.fileDB(dir.resolve("stock.mapdb").toFile()).transactionEnable()
                        .fileMmapEnableIfSupported().fileMmapPreclearDisable().cleanerHackEnable().make();
                BTreeMap<Long, byte[]> map = db.treeMap("runs", Serializer.LONG, Serializer.BYTE_ARRAY)
                        .valuesOutsideNodesEnable().createOrOpen();
                return new Sink() {
                    @Override
                    public void appendAndSync(List<Entry> batch) {
                        map.put(batch.get(0).getIndex(), framed(batch));
                        db.commit();
                    }

                    @Override
                    public void close() {
                        db.close();
                    }
                };
            }
            default:
                throw new IllegalArgumentException(what);
        }
    }

    /** The batch as a simple log would write it: per entry index, term, length and bytes; a CRC32C at the end. */
    private static byte[] framed(List<Entry> batch) {
        int size = Integer.BYTES;
        for (Entry e : batch) {
            size += 20 + e.getSerializedSize();
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (Entry e : batch) {
            buf.putLong(e.getIndex()).putLong(e.getTerm()).putInt(e.getSerializedSize()).put(e.toByteArray());
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, size - Integer.BYTES);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }
}
