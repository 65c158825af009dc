package org.understudy.raft.core.tracker;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.understudy.raft.core.quorum.VoteResult;

/**
 * The current configuration, a {@link Progress} per member (voters and learners alike), and the
 * votes of the election in progress.
 *
 * <p>Learners appear in no majority set, so they never count toward a commit, an election or
 * CheckQuorum, however far they have caught up (the design's learner rule 2). Nodes in
 * {@code learnersNext} are still voters of the outgoing half until the joint configuration is
 * left, and count there.
 *
 * <p>The configuration and the set of progress entries change only through {@link #reset}, which
 * installs the result of a {@code ConfChanger}. Every iteration is in ascending id order, so runs
 * are reproducible. Not thread-safe.
 */
public final class ProgressTracker {

    /**
     * Votes counted so far in an election.
     *
     * @param granted voters that granted their vote
     * @param rejected voters that refused it
     * @param result what the votes decide
     */
    public record VoteTally(int granted, int rejected, VoteResult result) {}

    private final int maxInflight;
    private final long maxInflightBytes;
    private TrackerConfig config = TrackerConfig.EMPTY;
    private TreeMap<Long, Progress> progress = new TreeMap<>();
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();

    /**
     * An empty tracker (no members).
     *
     * @param maxInflight the inflight window, in messages, for every peer's {@link Progress}
     * @param maxInflightBytes the inflight window in payload bytes, 0 for no byte limit
     */
    public ProgressTracker(int maxInflight, long maxInflightBytes) {
        if (maxInflight < 1) {
            throw new IllegalArgumentException("maxInflight must be at least 1, was " + maxInflight);
        }
        if (maxInflightBytes < 0) {
            throw new IllegalArgumentException("maxInflightBytes must be >= 0, was " + maxInflightBytes);
        }
        this.maxInflight = maxInflight;
        this.maxInflightBytes = maxInflightBytes;
    }

    public int maxInflight() {
        return maxInflight;
    }

    public long maxInflightBytes() {
        return maxInflightBytes;
    }

    public TrackerConfig config() {
        return config;
    }

    /**
     * @return every member's progress by id: the live map. Replacing a member's Progress (e.g. fresh
     *     ones when a leader takes over) is fine; adding or removing members must go through
     *     {@link #reset} with a {@code ConfChanger} result, so config and progress stay in step.
     */
    public SortedMap<Long, Progress> progress() {
        return progress;
    }

    /** @return the member's progress, or null if it is not a member */
    public Progress get(long id) {
        return progress.get(id);
    }

    /**
     * Installs a new configuration with its progress map (copied into a new sorted map; the
     * Progress objects themselves are taken over, not copied). Recorded votes are kept.
     */
    public void reset(TrackerConfig config, Map<Long, Progress> progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.progress = new TreeMap<>(progress);
    }

    /**
     * @return the highest index acknowledged by a quorum of voters (of both halves when joint);
     *     {@link Long#MAX_VALUE} when there are no voters at all
     */
    public long committed() {
        return config.voters().committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match();
        });
    }

    /** @return whether exactly one voter decides everything (no joint configuration) */
    public boolean isSingleton() {
        return config.voters().incoming().size() == 1 && !config.isJoint();
    }

    /**
     * @return whether a quorum of voters has been recently active (CheckQuorum: a leader that
     *     can't say so steps down)
     */
    public boolean quorumActive() {
        TreeMap<Long, Boolean> active = new TreeMap<>();
        for (Long id : config.voters().ids()) {
            Progress pr = progress.get(id);
            if (pr != null) {
                active.put(id, pr.recentActive());
            }
        }
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    /** @return the voters of both halves, sorted */
    public SortedSet<Long> voterIds() {
        return config.voters().ids();
    }

    /** @return whether the id votes in either half (a node in learnersNext still does) */
    public boolean isVoter(long id) {
        return config.voters().contains(id);
    }

    /** @return whether the id is in learners (not learnersNext, whose nodes still vote) */
    public boolean isLearner(long id) {
        return config.learners().contains(id);
    }

    /** Records a vote; only the first answer from a node counts (a duplicate can't change it). */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    /** @return the votes recorded so far, by node id (unmodifiable view) */
    public SortedMap<Long, Boolean> votes() {
        return Collections.unmodifiableSortedMap(votes);
    }

    /** @return the counts of granted and rejected votes among voters, and what they decide */
    public VoteTally tallyVotes() {
        int granted = 0;
        int rejected = 0;
        for (Long id : config.voters().ids()) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                continue;
            }
            if (vote) {
                granted++;
            } else {
                rejected++;
            }
        }
        return new VoteTally(granted, rejected, config.voters().voteResult(votes));
    }

    /** Forgets every recorded vote (a new election starts). */
    public void resetVotes() {
        votes.clear();
    }

    /** Calls the visitor for every member, in ascending id order. */
    public void forEach(BiConsumer<Long, Progress> visitor) {
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            visitor.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(config.toString());
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            sb.append("\n  ").append(e.getKey()).append(": ").append(e.getValue());
        }
        return sb.toString();
    }
}
