package org.understudy.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.raft.proto.Entry;

class RawFileLogTest {

    @TempDir
    Path dir;

    private final EntryMaker maker = new EntryMaker(100);

    @Test
    void entriesReadBackAfterReopen() {
        Path file = dir.resolve("raw.log");
        try (RawFileLog log = RawFileLog.open(file)) {
            maker.fill(log, 50, 16);
            assertThat(log.lastIndex()).isEqualTo(50);
            assertThat(log.entries(10, 13, Long.MAX_VALUE)).containsExactlyElementsOf(maker.batch(10, 3));
        }
        try (RawFileLog log = RawFileLog.open(file)) {
            assertThat(log.lastIndex()).isEqualTo(50);
            assertThat(log.term(50)).isEqualTo(EntryMaker.TERM);
            assertThat(log.entries(1, 51, Long.MAX_VALUE)).containsExactlyElementsOf(maker.batch(1, 50));
            log.append(maker.batch(51, 2));
            assertThat(log.entries(50, 53, Long.MAX_VALUE)).containsExactlyElementsOf(maker.batch(50, 3));
        }
    }

    @Test
    void aBigBatchGrowsTheWriteBuffer() {
        try (RawFileLog log = RawFileLog.open(dir.resolve("raw.log"))) {
            List<Entry> batch = new EntryMaker(1024).batch(1, 300); // ~300 KiB, above the initial 64 KiB buffer
            log.append(batch);
            log.sync();
            assertThat(log.entries(1, 301, Long.MAX_VALUE)).containsExactlyElementsOf(batch);
        }
    }

    @Test
    void recordsLargerThanTheScanChunkReopen() {
        Path file = dir.resolve("raw.log");
        EntryMaker big = new EntryMaker(3 << 20); // 3 MiB, above the 1 MiB scan chunk
        try (RawFileLog log = RawFileLog.open(file)) {
            maker.fill(log, 3, 3);
            log.append(List.of(big.entry(4), big.entry(5)));
            log.sync();
        }
        try (RawFileLog log = RawFileLog.open(file)) {
            assertThat(log.lastIndex()).isEqualTo(5);
            assertThat(log.entries(5, 6, Long.MAX_VALUE)).containsExactly(big.entry(5));
        }
    }

    @Test
    void readsStopAtMaxBytesButReturnAtLeastOneEntry() {
        try (RawFileLog log = RawFileLog.open(dir.resolve("raw.log"))) {
            maker.fill(log, 10, 10);
            int size = maker.entry(1).getSerializedSize();
            assertThat(log.entries(1, 11, 1)).hasSize(1);
            assertThat(log.entries(1, 11, 3L * size)).hasSize(3);
        }
    }

    @Test
    void aTornTailIsCutOffOnOpen() throws Exception {
        Path file = dir.resolve("raw.log");
        try (RawFileLog log = RawFileLog.open(file)) {
            maker.fill(log, 5, 5);
        }
        long whole = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 20, 1, 2, 3}), whole); // half a record
        }
        try (RawFileLog log = RawFileLog.open(file)) {
            assertThat(log.lastIndex()).isEqualTo(5);
            assertThat(Files.size(file)).isEqualTo(whole);
            log.append(maker.batch(6, 1));
            assertThat(log.entries(6, 7, Long.MAX_VALUE)).containsExactly(maker.entry(6));
        }
    }

    @Test
    void aCorruptRecordEndsTheLogOnOpen() throws Exception {
        Path file = dir.resolve("raw.log");
        try (RawFileLog log = RawFileLog.open(file)) {
            maker.fill(log, 5, 5);
        }
        long recordSize = Files.size(file) / 5;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xff}), 3 * recordSize + 20); // inside entry 4's payload
        }
        try (RawFileLog log = RawFileLog.open(file)) {
            assertThat(log.lastIndex()).isEqualTo(3);
        }
    }

    @Test
    void appendsMustContinueTheLog() {
        try (RawFileLog log = RawFileLog.open(dir.resolve("raw.log"))) {
            log.append(maker.batch(1, 3));
            assertThatThrownBy(() -> log.append(maker.batch(5, 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("appends only at 4");
            assertThatThrownBy(() -> log.append(List.of(maker.entry(4), maker.entry(6))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(log.lastIndex()).isEqualTo(3);
            assertThatThrownBy(() -> log.entries(2, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
