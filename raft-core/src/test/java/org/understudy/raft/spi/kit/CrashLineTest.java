package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;

/** The crash writer's protocol lines and its deterministic entries. */
class CrashLineTest {

    @Test
    void linesSurviveFormatAndParse() {
        CrashLine synced = CrashLine.synced(7, new LogSummary(11, 20, 3, 3, 2, 15, 10, 2));
        CrashLine append = CrashLine.of(CrashLine.Kind.APPEND, 5, 9, 4);

        assertThat(CrashLine.parse(synced.format())).isEqualTo(synced);
        assertThat(CrashLine.parse(synced.format()).summary()).isEqualTo(new LogSummary(11, 20, 3, 3, 2, 15, 10, 2));
        assertThat(CrashLine.parse(append.format())).isEqualTo(append);
        assertThat(CrashLine.parse("DONE .")).isEqualTo(CrashLine.of(CrashLine.Kind.DONE));
    }

    @Test
    void aLineCutShortOrForeignIsNotAPromise() {
        String whole = CrashLine.synced(7, new LogSummary(11, 20, 3, 3, 2, 15, 10, 2)).format();

        for (int cut = 0; cut < whole.length() - 1; cut++) {
            assertThat(CrashLine.parse(whole.substring(0, cut))).as("cut at %d: '%s'", cut, whole.substring(0, cut)).isNull();
        }
        assertThat(CrashLine.parse("APPEND 1 2 .")).as("too few values").isNull();
        assertThat(CrashLine.parse("APPEND 1 x 3 .")).isNull();
        assertThat(CrashLine.parse("12:00:01 WARN something .")).isNull();
        assertThat(CrashLine.parse("")).isNull();
    }

    @Test
    void entriesAreAFunctionOfSeedIndexAndTermWithSmallLargeAndConfChangeOnes() {
        int large = 0;
        int confChanges = 0;
        int empty = 0;
        for (long i = 1; i <= 2000; i++) {
            Entry e = CrashEntries.entry(42, i, 3);
            assertThat(e).isEqualTo(CrashEntries.entry(42, i, 3));
            assertThat(e.getIndex()).isEqualTo(i);
            assertThat(e.getTerm()).isEqualTo(3);
            assertThat(e.getData().size()).isLessThanOrEqualTo(64 * 1024 + 1);
            large += e.getData().size() > 4096 ? 1 : 0;
            empty += e.getData().isEmpty() ? 1 : 0;
            confChanges += e.getType() == EntryType.ENTRY_CONF_CHANGE ? 1 : 0;
        }
        assertThat(large).as("entries above 4 KiB").isBetween(10, 100);
        assertThat(confChanges).as("configuration changes").isBetween(60, 200);
        assertThat(empty).as("empty entries").isLessThan(10);
        assertThat(CrashEntries.entry(42, 5, 4)).isNotEqualTo(CrashEntries.entry(42, 5, 3).toBuilder().setTerm(4).build());
        assertThat(CrashEntries.entry(43, 5, 3)).isNotEqualTo(CrashEntries.entry(42, 5, 3));
    }
}
