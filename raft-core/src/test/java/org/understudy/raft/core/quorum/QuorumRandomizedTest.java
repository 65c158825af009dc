package org.understudy.raft.core.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Compares the quorum math with deliberately naive versions over many seeded random cases. A
 * failure names the seed; rerun with it to replay the case.
 */
class QuorumRandomizedTest {

    private static final int SEEDS = 3000;

    /** Naive commit index: the largest acked value (or 0) that a majority has reached. */
    static long naiveCommitted(long[] voters, Map<Long, Long> acked) {
        if (voters.length == 0) {
            return Long.MAX_VALUE;
        }
        long best = 0;
        for (long candidate : voters) {
            long index = acked.getOrDefault(candidate, 0L);
            int reached = 0;
            for (long v : voters) {
                if (acked.getOrDefault(v, 0L) >= index) {
                    reached++;
                }
            }
            if (reached > voters.length / 2 && index > best) {
                best = index;
            }
        }
        return best;
    }

    /** Naive election: count yes, no and silent voters; silence could still go either way. */
    static VoteResult naiveVote(long[] voters, Map<Long, Boolean> votes) {
        if (voters.length == 0) {
            return VoteResult.WON;
        }
        int yes = 0;
        int no = 0;
        for (long v : voters) {
            Boolean b = votes.get(v);
            if (Boolean.TRUE.equals(b)) {
                yes++;
            } else if (Boolean.FALSE.equals(b)) {
                no++;
            }
        }
        if (2 * yes > voters.length) {
            return VoteResult.WON;
        }
        // Even if every silent voter said yes, no majority: lost.
        if (2 * (voters.length - no) <= voters.length) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    static VoteResult naiveJointVote(VoteResult a, VoteResult b) {
        if (a == VoteResult.LOST || b == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return a == VoteResult.WON && b == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
    }

    static long[] randomVoters(Random rnd, int maxId) {
        TreeSet<Long> ids = new TreeSet<>();
        int n = rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            ids.add(1L + rnd.nextInt(maxId));
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void committedIndexMatchesNaiveVersion() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            long[] in = randomVoters(rnd, 10);
            long[] out = rnd.nextBoolean() ? new long[0] : randomVoters(rnd, 10);
            Map<Long, Long> acked = new HashMap<>();
            for (long id = 1; id <= 10; id++) {
                if (rnd.nextInt(4) > 0) {
                    // Small range so that ties are common.
                    acked.put(id, (long) rnd.nextInt(rnd.nextBoolean() ? 5 : 1000));
                }
            }
            AckedIndexer indexer = id -> acked.getOrDefault(id, 0L);
            MajorityConfig mIn = MajorityConfig.of(in);
            MajorityConfig mOut = MajorityConfig.of(out);
            String ctx = "seed " + seed + " voters " + mIn + "&&" + mOut + " acked " + acked;

            assertThat(mIn.committedIndex(indexer)).as(ctx).isEqualTo(naiveCommitted(in, acked));
            long wantJoint = Math.min(naiveCommitted(in, acked), naiveCommitted(out, acked));
            assertThat(JointConfig.of(mIn, mOut).committedIndex(indexer)).as(ctx).isEqualTo(wantJoint);
        }
    }

    @Test
    void voteResultMatchesNaiveVersion() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            long[] in = randomVoters(rnd, 9);
            long[] out = rnd.nextBoolean() ? new long[0] : randomVoters(rnd, 9);
            Map<Long, Boolean> votes = new HashMap<>();
            for (long id = 1; id <= 9; id++) {
                switch (rnd.nextInt(3)) {
                    case 0 -> votes.put(id, true);
                    case 1 -> votes.put(id, false);
                    default -> { /* not voted */ }
                }
            }
            MajorityConfig mIn = MajorityConfig.of(in);
            MajorityConfig mOut = MajorityConfig.of(out);
            String ctx = "seed " + seed + " voters " + mIn + "&&" + mOut + " votes " + votes;

            VoteResult wantIn = naiveVote(in, votes);
            assertThat(mIn.voteResult(votes)).as(ctx).isEqualTo(wantIn);
            assertThat(JointConfig.of(mIn, mOut).voteResult(votes)).as(ctx)
                    .isEqualTo(naiveJointVote(wantIn, naiveVote(out, votes)));
        }
    }

    /** A config whose two halves are equal behaves exactly like the single half. */
    @Test
    void jointWithEqualHalvesEqualsMajority() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            MajorityConfig m = MajorityConfig.of(randomVoters(rnd, 7));
            Map<Long, Long> acked = new HashMap<>();
            Map<Long, Boolean> votes = new HashMap<>();
            for (long id = 1; id <= 7; id++) {
                acked.put(id, (long) rnd.nextInt(20));
                if (rnd.nextBoolean()) {
                    votes.put(id, rnd.nextBoolean());
                }
            }
            JointConfig j = JointConfig.of(m, m);
            String ctx = "seed " + seed + " " + j;
            assertThat(j.committedIndex(id -> acked.getOrDefault(id, 0L))).as(ctx)
                    .isEqualTo(m.committedIndex(id -> acked.getOrDefault(id, 0L)));
            assertThat(j.voteResult(votes)).as(ctx).isEqualTo(m.voteResult(votes));
        }
    }
}
