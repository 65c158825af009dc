package org.understudy.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.understudy.raft.proto.Entry;

/**
 * Runs each storage benchmark's setup, body and teardown a few times outside JMH, on the engines
 * that need no other module's work ({@code raw}, {@code memory}), so a broken benchmark fails the
 * default build in seconds instead of in a half-hour JMH run.
 */
class StorageBenchmarksSmokeTest {

    @TempDir
    Path base;

    private String previousBenchDir;

    @BeforeEach
    void pointBenchDirAtTempDir() {
        previousBenchDir = System.getProperty(BenchDirectory.PROPERTY);
        System.setProperty(BenchDirectory.PROPERTY, base.toString());
    }

    @AfterEach
    void restoreBenchDir() {
        if (previousBenchDir == null) {
            System.clearProperty(BenchDirectory.PROPERTY);
        } else {
            System.setProperty(BenchDirectory.PROPERTY, previousBenchDir);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "memory"})
    void appendSync(String engine) {
        AppendSyncBenchmark bench = new AppendSyncBenchmark();
        bench.engine = engine;
        bench.batch = 16;
        bench.entryBytes = 64;
        AppendCounters counters = new AppendCounters();
        bench.makePayload();
        for (int iteration = 0; iteration < 2; iteration++) {
            counters.reset();
            bench.openFreshLog();
            Path dir = bench.dir();
            assertThat(dir).startsWith(base);
            for (int i = 0; i < 3; i++) {
                bench.appendBatchAndSync(counters);
            }
            assertThat(bench.log().lastIndex()).isEqualTo(48);
            assertThat(bench.log().entries(48, 49, Long.MAX_VALUE).get(0).getData().size()).isEqualTo(64);
            assertThat(counters.entries).isEqualTo(48);
            assertThat(counters.bytes).isEqualTo(48 * 64);
            bench.closeAndDeleteLog();
            assertThat(dir).doesNotExist();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "memory"})
    void randomRead(String engine) {
        RandomReadBenchmark bench = new RandomReadBenchmark();
        bench.engine = engine;
        bench.logEntries = 500;
        bench.entryBytes = 128;
        bench.buildLog();
        try {
            for (int i = 0; i < 20; i++) {
                List<Entry> read = bench.entry();
                assertThat(read).hasSize(1);
                assertThat(read.get(0).getIndex()).isBetween(1L, 500L);
                assertThat(read.get(0).getData().size()).isEqualTo(128);
                assertThat(bench.term()).isEqualTo(EntryMaker.TERM);
            }
        } finally {
            bench.closeAndDeleteLog();
        }
        assertThat(base).isEmptyDirectory();
    }

    @Test
    void openLogOnTheRawBaseline() throws Exception {
        OpenLogBenchmark bench = new OpenLogBenchmark();
        bench.engine = "raw";
        bench.logEntries = 2_000;
        bench.logEntryBytes = 64;
        bench.buildLog();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(bench.openReadLastClose()).isEqualTo(2_000 + EntryMaker.TERM);
            }
        } finally {
            bench.deleteLog();
        }
        try (var left = Files.list(base)) {
            assertThat(left.filter(p -> !p.getFileName().toString().equals("jna"))).isEmpty();
        }
    }

    @Test
    void openLogRefusesTheMemoryEngine() {
        OpenLogBenchmark bench = new OpenLogBenchmark();
        bench.engine = "memory";
        bench.logEntries = 10;
        bench.logEntryBytes = 64;
        assertThatThrownBy(bench::buildLog).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory engine keeps nothing");
    }

    @Test
    void unknownEnginesAreNamed() {
        assertThatThrownBy(() -> BenchLogs.open("rocks", base)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown engine 'rocks'")
                .hasMessageContaining("mapdb");
    }
}
