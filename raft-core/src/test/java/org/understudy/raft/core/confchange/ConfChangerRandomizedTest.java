package org.understudy.raft.core.confchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.core.tracker.TrackerConfig;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;

/**
 * Random sequences of membership changes from seeded random starting points: every result keeps
 * the invariants, each kind of transition does what it promises, refused changes leave the tracker
 * as it was, and every reachable configuration survives a ConfState round trip. A failure names
 * the seed and step.
 */
class ConfChangerRandomizedTest {

    private static final int SEEDS = 250;
    private static final int STEPS = 60;
    private static final long MAX_ID = 8;

    private int applied;
    private int refused;
    private final int[] appliedByKind = new int[4];

    @Test
    void randomChangeSequencesKeepInvariants() throws ConfChangeException {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            ProgressTracker t = Changes.empty();
            if (rnd.nextBoolean()) {
                Changes.install(t, ConfChanger.restore(ConfChangerRestoreTest.randomValid(rnd),
                        Changes.MAX_INFLIGHT, Changes.MAX_INFLIGHT_BYTES, 1));
            }
            long lastIndex = 1;
            for (int step = 0; step < STEPS; step++) {
                lastIndex += rnd.nextInt(5);
                // Replication moves on between changes: the changer must carry progress over.
                for (Progress pr : t.progress().values()) {
                    if (rnd.nextBoolean()) {
                        pr.maybeUpdate(Math.min(lastIndex, pr.match() + rnd.nextInt(4)));
                    }
                }
                step(t, lastIndex, rnd, "seed " + seed + " step " + step);
            }
        }
        // The test must really exercise both outcomes.
        assertThat(applied).isGreaterThan(SEEDS * STEPS / 4);
        assertThat(refused).isGreaterThan(SEEDS * STEPS / 10);
        for (int kind = 0; kind < appliedByKind.length; kind++) {
            assertThat(appliedByKind[kind]).as("successes of operation kind " + kind).isGreaterThan(SEEDS);
        }
    }

    private void step(ProgressTracker t, long lastIndex, Random rnd, String ctx) throws ConfChangeException {
        TrackerConfig before = t.config();
        String snapshotBefore = Changes.snapshot(t);
        Map<Long, Progress> progressBefore = t.progress();
        ConfChanger changer = new ConfChanger(t, lastIndex);
        List<ConfChangeSingle> changes = randomChanges(rnd);
        int kind = rnd.nextInt(4);
        String what = switch (kind) {
            case 0 -> "simple [" + Changes.describe(changes) + "]";
            case 1 -> "enterJoint [" + Changes.describe(changes) + "]";
            case 2 -> "leaveJoint";
            default -> "apply";
        };
        boolean autoLeave = rnd.nextBoolean();
        ConfChange cc = ConfChange.newBuilder()
                .setTransition(ConfChangeTransition.forNumber(rnd.nextInt(3)))
                .addAllChanges(rnd.nextInt(5) == 0 ? List.of() : changes)
                .build();
        if (kind == 3) {
            what = "apply " + cc.getTransition() + " [" + Changes.describe(cc.getChangesList()) + "]";
        }
        String where = ctx + " " + what + " on [" + before + "]";
        ConfChanger.Result r;
        try {
            r = switch (kind) {
                case 0 -> changer.simple(changes);
                case 1 -> changer.enterJoint(autoLeave, changes);
                case 2 -> changer.leaveJoint();
                default -> ConfChanger.apply(t, lastIndex, cc);
            };
        } catch (ConfChangeException e) {
            refused++;
            assertThat(Changes.snapshot(t)).as(where + ": a refused change leaves the tracker alone").isEqualTo(snapshotBefore);
            assertThat(e.getMessage()).as(where).isNotBlank();
            // The input is always valid, so a broken invariant means the changer built a bad config.
            assertThat(e.getMessage()).as(where).doesNotStartWith("invalid configuration");
            // Every refusal must be one the rules call for.
            if (kind == 2) {
                assertThat(before.isJoint()).as(where + ": leaving a joint config must work: " + e.getMessage()).isFalse();
            } else {
                assertThat(before.isJoint() || e.getMessage().contains("no voter would be left")
                                || e.getMessage().contains("use joint consensus")
                                || e.getMessage().contains("no voters")
                                || e.getMessage().contains("not joint"))
                        .as(where + ": unexpected refusal: " + e.getMessage()).isTrue();
            }
            return;
        }
        applied++;
        appliedByKind[kind]++;
        assertThat(Changes.snapshot(t)).as(where + ": the input tracker is unchanged").isEqualTo(snapshotBefore);
        try {
            Invariants.check(r.config(), r.progress());
        } catch (ConfChangeException e) {
            throw new AssertionError(where + ": " + e.getMessage(), e);
        }
        TreeSet<Long> members = new TreeSet<>(r.config().voters().ids());
        members.addAll(r.config().learners());
        members.addAll(r.config().learnersNext());
        assertThat(r.progress().keySet()).as(where).containsExactlyElementsOf(members);
        for (Map.Entry<Long, Progress> e : r.progress().entrySet()) {
            Progress old = progressBefore.get(e.getKey());
            assertThat(e.getValue()).as(where).isNotSameAs(old);
            List<ConfChangeSingle> batch = kind == 3 ? cc.getChangesList() : kind == 2 ? List.of() : changes;
            boolean removedInBatch = batch.stream().anyMatch(c -> c.getNodeId() == e.getKey()
                    && c.getType() == ConfChangeType.CONF_CHANGE_REMOVE_NODE);
            if (old != null && removedInBatch && !r.config().voters().outgoing().contains(e.getKey())) {
                // Removed and added again in the same batch: a new member, with fresh progress.
                assertThat(e.getValue().match()).as(where + ": re-added " + e.getKey()).isZero();
                assertThat(e.getValue().next()).as(where).isEqualTo(Math.max(lastIndex, 1));
            } else if (old != null) {
                assertThat(e.getValue().match()).as(where + ": progress of " + e.getKey() + " carried over").isEqualTo(old.match());
                assertThat(e.getValue().next()).as(where).isEqualTo(old.next());
            } else {
                assertThat(e.getValue().next()).as(where + ": new member").isEqualTo(Math.max(lastIndex, 1));
                assertThat(e.getValue().recentActive()).as(where).isTrue();
            }
        }

        switch (kind) {
            case 0 -> checkSimple(before, r.config(), where);
            case 1 -> checkEntered(before, r.config(), autoLeave, where);
            case 2 -> checkLeft(before, r.config(), where);
            default -> {
                if (ConfChanger.leavesJoint(cc)) {
                    checkLeft(before, r.config(), where);
                } else if (ConfChanger.isSimple(cc)) {
                    checkSimple(before, r.config(), where);
                } else {
                    checkEntered(before, r.config(),
                            cc.getTransition() != ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT, where);
                }
            }
        }

        // Every reachable configuration can be stored and restored exactly.
        TrackerConfig restored;
        try {
            restored = ConfChanger.restore(r.config().toConfState(), Changes.MAX_INFLIGHT,
                    Changes.MAX_INFLIGHT_BYTES, lastIndex).config();
        } catch (ConfChangeException e) {
            throw new AssertionError(where + ": restore failed: " + e.getMessage(), e);
        }
        assertThat(restored).as(where + ": round trip").isEqualTo(r.config());

        Changes.install(t, r);
    }

    private static void checkSimple(TrackerConfig before, TrackerConfig after, String where) {
        assertThat(before.isJoint()).as(where).isFalse();
        assertThat(after.isJoint()).as(where).isFalse();
        assertThat(symmetricDifference(before.voters().incoming().asSet(), after.voters().incoming().asSet()))
                .as(where + ": at most one voter changes").hasSizeLessThanOrEqualTo(1);
        assertThat(after.voters().incoming().isEmpty()).as(where).isFalse();
    }

    private static void checkEntered(TrackerConfig before, TrackerConfig after, boolean autoLeave, String where) {
        assertThat(before.isJoint()).as(where).isFalse();
        assertThat(after.isJoint()).as(where).isTrue();
        assertThat(after.voters().outgoing()).as(where + ": old voters become the outgoing half")
                .isEqualTo(before.voters().incoming());
        assertThat(after.autoLeave()).as(where).isEqualTo(autoLeave);
        assertThat(after.voters().incoming().isEmpty()).as(where).isFalse();
    }

    private static void checkLeft(TrackerConfig before, TrackerConfig after, String where) {
        assertThat(before.isJoint()).as(where).isTrue();
        assertThat(after.isJoint()).as(where).isFalse();
        assertThat(after.voters().incoming()).as(where).isEqualTo(before.voters().incoming());
        TreeSet<Long> learners = new TreeSet<>(before.learners());
        learners.addAll(before.learnersNext());
        assertThat(after.learners()).as(where + ": learnersNext become learners").isEqualTo(learners);
        assertThat(after.learnersNext()).as(where).isEmpty();
        assertThat(after.autoLeave()).as(where).isFalse();
    }

    private static SortedSet<Long> symmetricDifference(SortedSet<Long> a, SortedSet<Long> b) {
        TreeSet<Long> out = new TreeSet<>(a);
        out.addAll(b);
        TreeSet<Long> both = new TreeSet<>(a);
        both.retainAll(b);
        out.removeAll(both);
        return out;
    }

    private static List<ConfChangeSingle> randomChanges(Random rnd) {
        int n = rnd.nextInt(4);
        List<ConfChangeSingle> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Node 0 now and then: it must be ignored.
            long id = rnd.nextInt(20) == 0 ? 0 : 1 + rnd.nextInt((int) MAX_ID);
            out.add(ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.forNumber(rnd.nextInt(3)))
                    .setNodeId(id)
                    .build());
        }
        return out;
    }
}
