package org.understudy.raft.spi.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;

/**
 * What a reopened store holds, read in full and checked on the way for being well-formed: bounds
 * that agree with each other, every entry exactly the one {@link CrashEntries} makes for its index
 * and term (so a torn record or one mixed up with another shows), terms that never decrease, and
 * {@code term(i)} agreeing with the entries. Whether it is the <em>right</em> log is for
 * {@link CrashModel#checkRecovered} to say.
 */
final class RecoveredLog {

    private static final long READ_CHUNK_BYTES = 4L << 20;
    private static final int TERM_SPOT_CHECKS = 64;

    final long firstIndex;
    final long lastIndex;
    final SnapshotMetadata compactedTo;
    final HardState hardState;
    private final long[] terms; // terms[i - firstIndex] for firstIndex <= i <= lastIndex
    final long bytes;

    /** A log as read; {@code terms[i - firstIndex]} is the term of entry {@code i}. */
    RecoveredLog(long firstIndex, long lastIndex, SnapshotMetadata compactedTo, HardState hardState, long[] terms,
            long bytes) {
        if (terms.length != lastIndex - firstIndex + 1 || firstIndex != compactedTo.getIndex() + 1) {
            throw new IllegalArgumentException("inconsistent bounds " + firstIndex + ".." + lastIndex + " with "
                    + terms.length + " terms, compacted to " + compactedTo.getIndex());
        }
        this.firstIndex = firstIndex;
        this.lastIndex = lastIndex;
        this.compactedTo = compactedTo;
        this.hardState = hardState;
        this.terms = terms;
        this.bytes = bytes;
    }

    /**
     * Reads {@code log} and checks it is well-formed.
     *
     * @param where seed, round and directory, for every assertion message
     */
    static RecoveredLog read(LogStorage log, long payloadSeed, Random spotChecks, String where) {
        SnapshotMetadata compactedTo = log.compactedTo();
        long first = log.firstIndex();
        long last = log.lastIndex();
        HardState hardState = log.hardState();
        assertThat(first).as("%s: firstIndex() must be compactedTo().getIndex() + 1", where)
                .isEqualTo(compactedTo.getIndex() + 1);
        assertThat(last).as("%s: lastIndex() must be at least firstIndex() - 1", where).isGreaterThanOrEqualTo(first - 1);
        assertThat(log.term(first - 1)).as("%s: term(firstIndex() - 1) must be compactedTo().getTerm()", where)
                .isEqualTo(compactedTo.getTerm());
        assertThat(last - first + 1).as("%s: entries in the log", where).isLessThan(Integer.MAX_VALUE);

        long[] terms = new long[(int) (last - first + 1)];
        long bytes = 0;
        long previousTerm = compactedTo.getTerm();
        long next = first;
        while (next <= last) {
            List<Entry> chunk = log.entries(next, last + 1, READ_CHUNK_BYTES);
            assertThat(chunk).as("%s: entries(%d, %d, %d) must return at least one entry", where, next, last + 1,
                    READ_CHUNK_BYTES).isNotEmpty();
            for (Entry e : chunk) {
                assertThat(e.getIndex()).as("%s: entries(%d, ..) returned out of order", where, next).isEqualTo(next);
                if (!e.equals(CrashEntries.entry(payloadSeed, e.getIndex(), e.getTerm()))) {
                    throw new AssertionError(where + ": entry " + e.getIndex() + " (term " + e.getTerm() + ", type "
                            + e.getType() + ", " + e.getData().size() + " bytes) is not the entry the writer makes for "
                            + "that index and term: its data or type is torn or belongs to another entry");
                }
                assertThat(e.getTerm()).as("%s: term of entry %d must not be below the term before it", where, next)
                        .isGreaterThanOrEqualTo(previousTerm);
                previousTerm = e.getTerm();
                terms[(int) (next - first)] = e.getTerm();
                bytes += e.getSerializedSize();
                next++;
            }
        }
        RecoveredLog recovered = new RecoveredLog(first, last, compactedTo, hardState, terms, bytes);
        recovered.spotCheckTerms(log, spotChecks, where);
        return recovered;
    }

    /** {@code term(i)} answers what the entries say, and nothing lies beyond {@code lastIndex()}. */
    private void spotCheckTerms(LogStorage log, Random random, String where) {
        if (lastIndex >= firstIndex) {
            checkTerm(log, firstIndex, where);
            checkTerm(log, lastIndex, where);
            for (int i = 0; i < TERM_SPOT_CHECKS; i++) {
                checkTerm(log, firstIndex + random.nextLong(lastIndex - firstIndex + 1), where);
            }
        }
        assertThatThrownBy(() -> log.term(lastIndex + 1))
                .as("%s: term(lastIndex() + 1) must throw IndexOutOfBoundsException", where)
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private void checkTerm(LogStorage log, long index, String where) {
        assertThat(log.term(index)).as("%s: term(%d) must agree with entry %d", where, index, index).isEqualTo(term(index));
    }

    /** The term of the entry at {@code index}, for {@code firstIndex - 1 <= index <= lastIndex}. */
    long term(long index) {
        return index == firstIndex - 1 ? compactedTo.getTerm() : terms[(int) (index - firstIndex)];
    }

    LogSummary summary() {
        return new LogSummary(firstIndex, lastIndex, term(lastIndex), hardState.getTerm(), hardState.getVote(),
                hardState.getCommit(), compactedTo.getIndex(), compactedTo.getTerm());
    }

    @Override
    public String toString() {
        return summary() + ", " + bytes + " bytes of entries";
    }
}
