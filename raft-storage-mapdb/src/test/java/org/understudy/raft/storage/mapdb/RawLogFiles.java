package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/** Test access to a log's files (MapDB ones closed), to damage them the way a bug, a bad disk or a crash would. */
final class RawLogFiles {

    private RawLogFiles() {}

    /** Opens the closed log in {@code dir} through MapDB, runs {@code change} and commits it. */
    static void edit(Path dir, Consumer<DB> change) {
        JournaledMapDb db = JournaledMapDb.open(dir.resolve(LogFiles.MAIN), dir.resolve(LogFiles.JOURNAL));
        try {
            change.accept(db.db());
            db.commit();
        } finally {
            db.close(true);
        }
    }

    static BTreeMap<Long, byte[]> runs(DB db) {
        return db.treeMap(MapDbLogStorage.RUNS_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).open();
    }

    static BTreeMap<String, byte[]> meta(DB db) {
        return db.treeMap(MapDbLogStorage.META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).open();
    }

    /** Every run's pointer in the closed log in {@code dir}, by first index. */
    static TreeMap<Long, RunPointer> pointers(Path dir) {
        TreeMap<Long, RunPointer> out = new TreeMap<>();
        edit(dir, db -> RawLogFiles.runs(db).forEach((k, v) -> out.put(k, RunPointer.decodeOrNull(k, v))));
        return out;
    }

    /** The value segment files in {@code dir}, by number. */
    static TreeMap<Long, Path> segments(Path dir) {
        TreeMap<Long, Path> out = new TreeMap<>();
        try {
            for (long n : ValueSegments.list(dir)) {
                out.put(n, LogFiles.segment(dir, n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The bytes of the record {@code p} points at. */
    static byte[] record(Path dir, RunPointer p) {
        try (FileChannel ch = FileChannel.open(LogFiles.segment(dir, p.segment()), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(p.length());
            long at = p.offset();
            while (buf.hasRemaining() && ch.read(buf, at) > 0) {
                at = p.offset() + buf.position();
            }
            return buf.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file offset of a byte inside entry {@code index}'s serialized bytes, in the record
     * {@code p} of run {@code first}: where a flipped bit damages that entry and nothing else.
     */
    static long offsetInsideEntry(Path dir, long first, RunPointer p, long index) {
        try {
            int[] frames = SegmentRecord.frames(first, p.count(), record(dir, p));
            return p.offset() + frames[(int) (index - first)] + SegmentRecord.FRAME_HEAD + 2;
        } catch (SegmentRecord.BadRecordException e) {
            throw new AssertionError(e);
        }
    }

    /** XORs the byte at {@code offset} of {@code file} with {@code mask}. */
    static void flip(Path file, long offset, int mask) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ mask));
            one.rewind();
            ch.write(one, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long length) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites {@code length} bytes at {@code offset} with bytes from {@code seed}. */
    static void garble(Path file, long offset, int length, long seed) {
        byte[] junk = new byte[length];
        new Random(seed).nextBytes(junk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(junk);
            long at = offset;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
