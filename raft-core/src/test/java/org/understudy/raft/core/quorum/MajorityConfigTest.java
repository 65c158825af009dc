package org.understudy.raft.core.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MajorityConfigTest {

    /** Parses "1=100 2=101" into an AckedIndexer; voters not listed acknowledged nothing. */
    static AckedIndexer acked(String spec) {
        Map<Long, Long> m = new HashMap<>();
        for (String pair : spec.trim().split("\\s+")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=");
            m.put(Long.parseLong(kv[0]), Long.parseLong(kv[1]));
        }
        return id -> m.getOrDefault(id, 0L);
    }

    /** Parses "1=y 2=n" into votes; voters not listed have not voted. */
    static Map<Long, Boolean> votes(String spec) {
        Map<Long, Boolean> m = new HashMap<>();
        for (String pair : spec.trim().split("\\s+")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=");
            m.put(Long.parseLong(kv[0]), kv[1].equals("y"));
        }
        return m;
    }

    static MajorityConfig cfg(String ids) {
        return MajorityConfig.of(ids.isBlank()
                ? new long[0]
                : java.util.Arrays.stream(ids.trim().split("\\s+")).mapToLong(Long::parseLong).toArray());
    }

    @ParameterizedTest(name = "voters ({0}) acked [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        // one voter commits what it has
        "1         | 1=5                  | 5",
        "1         |                      | 0",
        // two voters need both
        "1 2       | 1=5 2=3              | 3",
        "1 2       | 1=5                  | 0",
        // three voters: the median
        "1 2 3     | 1=100 2=101 3=99     | 100",
        "1 2 3     | 1=100 2=101          | 100",
        "1 2 3     | 1=100                | 0",
        "1 2 3     | 1=7 2=7 3=7          | 7",
        // four voters need three: the second smallest
        "1 2 3 4   | 1=1 2=2 3=3 4=4      | 2",
        "1 2 3 4   | 1=10 2=10 3=0 4=0    | 0",
        "1 2 3 4   | 1=10 2=10 3=9 4=0    | 9",
        // five voters need three
        "1 2 3 4 5 | 1=5 2=4 3=3 4=2 5=1  | 3",
        "1 2 3 4 5 | 1=9 2=9              | 0",
        // acks of non-voters don't count
        "1 2 3     | 4=100 5=100 1=3      | 0",
    })
    void committedIndexTable(String ids, String ackSpec, long want) {
        assertThat(cfg(ids).committedIndex(acked(ackSpec == null ? "" : ackSpec))).isEqualTo(want);
    }

    @Test
    void emptyConfigCommitsEverything() {
        assertThat(MajorityConfig.EMPTY.committedIndex(id -> 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(MajorityConfig.of().committedIndex(id -> 0)).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "voters ({0}) votes [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "          |                    | WON",
        "1         |                    | PENDING",
        "1         | 1=y                | WON",
        "1         | 1=n                | LOST",
        "1 2       | 1=y                | PENDING",
        "1 2       | 1=y 2=y            | WON",
        "1 2       | 1=y 2=n            | LOST",
        "1 2 3     | 1=y                | PENDING",
        "1 2 3     | 1=y 2=n            | PENDING",
        "1 2 3     | 1=y 2=y            | WON",
        "1 2 3     | 1=n 2=n            | LOST",
        "1 2 3     | 1=y 2=n 3=n        | LOST",
        "1 2 3 4   | 1=y 2=y            | PENDING",
        "1 2 3 4   | 1=y 2=y 3=y        | WON",
        "1 2 3 4   | 1=y 2=n 3=n        | LOST",
        // four voters need three yes: two no votes already decide
        "1 2 3 4   | 1=n 2=n            | LOST",
        "1 2 3 4   | 1=n                | PENDING",
        "1 2 3 4 5 | 1=y 2=y 3=n 4=n    | PENDING",
        "1 2 3 4 5 | 1=n 2=n 3=n        | LOST",
        // votes of non-voters don't count
        "1 2 3     | 4=y 5=y 6=y 1=y    | PENDING",
        "1 2 3     | 4=n 5=n 6=n        | PENDING",
    })
    void voteResultTable(String ids, String voteSpec, VoteResult want) {
        assertThat(cfg(ids == null ? "" : ids).voteResult(votes(voteSpec == null ? "" : voteSpec))).isEqualTo(want);
    }

    @Test
    void nullVoteCountsAsNotVoted() {
        Map<Long, Boolean> v = new HashMap<>();
        v.put(1L, null);
        v.put(2L, true);
        assertThat(MajorityConfig.of(1, 2).voteResult(v)).isEqualTo(VoteResult.PENDING);
        v.put(1L, true);
        assertThat(MajorityConfig.of(1, 2).voteResult(v)).isEqualTo(VoteResult.WON);
    }

    @Test
    void idsAreSortedDistinctAndCopied() {
        MajorityConfig c = MajorityConfig.of(3, 1, 2, 3, 1);
        assertThat(c.ids()).containsExactly(1, 2, 3);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.isEmpty()).isFalse();
        long[] ids = c.ids();
        ids[0] = 99;
        assertThat(c.ids()).containsExactly(1, 2, 3);
        assertThat(c.asSet()).containsExactly(1L, 2L, 3L);
        assertThatThrownBy(() -> c.asSet().add(4L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(MajorityConfig.of(List.of(5L, 4L, 5L))).isEqualTo(MajorityConfig.of(4, 5));
    }

    @Test
    void containsOnlyMembers() {
        MajorityConfig c = MajorityConfig.of(2, 4, 6);
        assertThat(c.contains(2)).isTrue();
        assertThat(c.contains(6)).isTrue();
        assertThat(c.contains(3)).isFalse();
        assertThat(c.contains(0)).isFalse();
        assertThat(MajorityConfig.EMPTY.contains(1)).isFalse();
    }

    @Test
    void nodeZeroIsRejected() {
        assertThatThrownBy(() -> MajorityConfig.of(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> MajorityConfig.of(List.of(0L))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyFactoriesReturnEmpty() {
        assertThat(MajorityConfig.of()).isSameAs(MajorityConfig.EMPTY);
        assertThat(MajorityConfig.of(List.of())).isSameAs(MajorityConfig.EMPTY);
        assertThat(MajorityConfig.EMPTY.isEmpty()).isTrue();
        assertThat(MajorityConfig.EMPTY.size()).isZero();
        assertThat(MajorityConfig.EMPTY.ids()).isEmpty();
    }

    @Test
    void equalsHashCodeToString() {
        assertThat(MajorityConfig.of(1, 2, 3)).isEqualTo(MajorityConfig.of(3, 2, 1))
                .hasSameHashCodeAs(MajorityConfig.of(2, 3, 1))
                .isNotEqualTo(MajorityConfig.of(1, 2))
                .isNotEqualTo("(1 2 3)");
        assertThat(MajorityConfig.of(3, 1, 2)).hasToString("(1 2 3)");
        assertThat(MajorityConfig.EMPTY).hasToString("()");
        assertThat(MajorityConfig.of(7)).hasToString("(7)");
    }
}
