package org.understudy.raft.storage.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.function.Consumer;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/** Test access to a closed log's files, to damage them the way a bug, a bad disk or a crash would. */
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
        return db.treeMap(MapDbLogStorage.RUNS_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().open();
    }

    static BTreeMap<String, byte[]> meta(DB db) {
        return db.treeMap(MapDbLogStorage.META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).open();
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
