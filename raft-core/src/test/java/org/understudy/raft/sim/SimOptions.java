package org.understudy.raft.sim;

import java.util.SplittableRandom;
import org.understudy.raft.core.RaftConfig;
import org.understudy.raft.core.ReadOnlyOption;

/**
 * The knobs of one simulation run, drawn from its seed within the ranges of its {@link SimProfile}.
 * Rates are probabilities per simulation step (per node for ticks).
 */
public record SimOptions(
        SimProfile profile,
        int initialVoters,
        int initialLearners,
        int maxVoters,
        int maxLearners,
        int electionTick,
        int heartbeatTick,
        long maxSizePerMsg,
        int maxInflightMsgs,
        long maxUncommittedEntriesSize,
        long maxCommittedSizePerReady,
        boolean checkQuorum,
        boolean preVote,
        int snapshotEvery,
        boolean pipelining,
        double tickRate,
        double lossRate,
        double duplicateRate,
        int maxDelay,
        double snapshotFailureRate,
        double proposeRate,
        int maxPayload,
        double confChangeRate,
        double readRate,
        double crashRate,
        double restartRate,
        double partitionRate,
        double healRate) {

    /** Draws the options of a run of {@code profile} from {@code r}. */
    public static SimOptions draw(SimProfile profile, SplittableRandom r) {
        boolean lossy = profile == SimProfile.LOSSY;
        boolean membership = profile == SimProfile.MEMBERSHIP;
        boolean checkQuorum = r.nextInt(4) != 0;
        return new SimOptions(
                profile,
                1 + r.nextInt(5),
                r.nextInt(3),
                5,
                3,
                5 + r.nextInt(8),
                1 + r.nextInt(2),
                r.nextBoolean() ? 1 << 20 : 64 + r.nextInt(512),
                1 + r.nextInt(r.nextBoolean() ? 4 : 64),
                r.nextInt(4) == 0 ? 2_000 : 0,
                r.nextInt(3) == 0 ? 128 + r.nextInt(512) : 1 << 20,
                checkQuorum,
                r.nextInt(4) != 0,
                r.nextInt(4) == 0 ? 0 : 3 + r.nextInt(40),
                r.nextInt(5) != 0,
                0.2 + 0.3 * r.nextDouble(),
                lossy ? 0.05 + 0.25 * r.nextDouble() : 0.1 * r.nextDouble(),
                lossy ? 0.2 * r.nextDouble() : 0.05 * r.nextDouble(),
                r.nextInt(lossy ? 10 : 5),
                lossy ? 0.4 * r.nextDouble() : 0.15 * r.nextDouble(),
                0.1 + 0.4 * r.nextDouble(),
                r.nextInt(3) == 0 ? 600 : 16,
                membership ? 0.03 + 0.07 * r.nextDouble() : lossy ? 0.002 : 0.005 + 0.01 * r.nextDouble(),
                0.02 + 0.05 * r.nextDouble(),
                lossy ? 0.004 + 0.01 * r.nextDouble() : 0.002 + 0.004 * r.nextDouble(),
                0.01 + 0.05 * r.nextDouble(),
                lossy ? 0.004 + 0.01 * r.nextDouble() : 0.001 + 0.004 * r.nextDouble(),
                0.005 + 0.02 * r.nextDouble());
    }

    /** The core configuration of node {@code id} in this run. */
    public RaftConfig raftConfig(long id, long seed) {
        return RaftConfig.builder(id)
                .electionTick(electionTick)
                .heartbeatTick(heartbeatTick)
                .maxSizePerMsg(maxSizePerMsg)
                .maxInflightMsgs(maxInflightMsgs)
                .maxUncommittedEntriesSize(maxUncommittedEntriesSize)
                .maxCommittedSizePerReady(maxCommittedSizePerReady)
                .checkQuorum(checkQuorum)
                .preVote(preVote)
                .readOnlyOption(ReadOnlyOption.SAFE)
                .randomSeed(seed * 7919 + id)
                .build();
    }
}
