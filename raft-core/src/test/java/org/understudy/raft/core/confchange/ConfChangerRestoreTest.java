package org.understudy.raft.core.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.tracker.Progress;
import org.understudy.raft.core.tracker.TrackerConfig;
import org.understudy.raft.proto.ConfState;

/** Rebuilding a configuration from its ConfState (snapshot, restart). */
class ConfChangerRestoreTest {

    static ConfState cs(List<Long> voters, List<Long> outgoing, List<Long> learners, List<Long> next, boolean auto) {
        return ConfState.newBuilder().addAllVoters(voters).addAllVotersOutgoing(outgoing)
                .addAllLearners(learners).addAllLearnersNext(next).setAutoLeave(auto).build();
    }

    static ConfChanger.Result restore(ConfState cs) throws ConfChangeException {
        return ConfChanger.restore(cs, 16, 1 << 20, 100);
    }

    @Test
    void emptyConfStateRestoresEmpty() throws ConfChangeException {
        ConfChanger.Result r = restore(ConfState.getDefaultInstance());
        assertThat(r.config()).isEqualTo(TrackerConfig.EMPTY);
        assertThat(r.progress()).isEmpty();
    }

    @Test
    void simpleConfig() throws ConfChangeException {
        ConfChanger.Result r = restore(cs(List.of(3L, 1L, 2L), List.of(), List.of(5L, 4L), List.of(), false));
        assertThat(r.config()).hasToString("voters=(1 2 3) learners=(4 5)");
        assertThat(r.progress()).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
        for (Progress pr : r.progress().values()) {
            assertThat(pr.next()).isEqualTo(100);
            assertThat(pr.match()).isZero();
            assertThat(pr.recentActive()).isTrue();
            assertThat(pr.inflights().maxCount()).isEqualTo(16);
            assertThat(pr.inflights().maxBytes()).isEqualTo(1 << 20);
        }
        assertThat(r.progress().get(4L).isLearner()).isTrue();
        assertThat(r.progress().get(1L).isLearner()).isFalse();
    }

    @Test
    void jointConfigWithDemotion() throws ConfChangeException {
        ConfState in = cs(List.of(1L, 2L, 3L), List.of(2L, 3L, 4L), List.of(5L), List.of(4L), true);
        ConfChanger.Result r = restore(in);
        assertThat(r.config()).hasToString("voters=(1 2 3)&&(2 3 4) learners=(5) next=(4) autoLeave");
        assertThat(r.config().toConfState()).isEqualTo(in);
        assertThat(r.progress().get(4L).isLearner()).isFalse();
        assertThat(r.progress().get(5L).isLearner()).isTrue();
        Invariants.check(r.config(), r.progress());
    }

    @Test
    void disjointHalves() throws ConfChangeException {
        ConfState in = cs(List.of(1L, 2L), List.of(3L, 4L), List.of(), List.of(), false);
        assertThat(restore(in).config()).hasToString("voters=(1 2)&&(3 4)");
    }

    @Test
    void duplicatesAndOrderDoNotMatter() throws ConfChangeException {
        ConfChanger.Result r = restore(cs(List.of(2L, 1L, 2L), List.of(), List.of(), List.of(), false));
        assertThat(r.config()).hasToString("voters=(1 2)");
    }

    @Test
    void invalidConfStatesAreRefused() {
        List<ConfState> invalid = List.of(
                // a learner that is a voter
                cs(List.of(1L, 2L), List.of(), List.of(2L), List.of(), false),
                // a learner that is an outgoing voter
                cs(List.of(1L), List.of(1L, 2L), List.of(2L), List.of(), false),
                // learnersNext outside a joint config, or not an outgoing voter
                cs(List.of(1L), List.of(), List.of(), List.of(2L), false),
                cs(List.of(1L), List.of(1L), List.of(), List.of(2L), false),
                // learnersNext that is still an incoming voter
                cs(List.of(1L, 2L), List.of(1L, 2L), List.of(), List.of(2L), false),
                // autoLeave outside a joint config
                cs(List.of(1L), List.of(), List.of(), List.of(), true),
                // learners without voters; a joint config without incoming voters
                cs(List.of(), List.of(), List.of(1L), List.of(), false),
                cs(List.of(), List.of(1L), List.of(), List.of(), false),
                // node 0
                cs(List.of(0L, 1L), List.of(), List.of(), List.of(), false),
                cs(List.of(1L), List.of(), List.of(0L), List.of(), false));
        for (ConfState bad : invalid) {
            assertThatThrownBy(() -> restore(bad))
                    .as("%s", bad)
                    .isInstanceOf(ConfChangeException.class)
                    .hasMessageContaining("is not a valid configuration");
        }
    }

    /** A random valid ConfState over node ids 1..n. */
    static ConfState randomValid(Random rnd) {
        int n = 1 + rnd.nextInt(9);
        List<Long> nodes = new ArrayList<>();
        for (long id = 1; id <= n; id++) {
            nodes.add(id * (1 + rnd.nextInt(3)));
        }
        List<Long> distinct = new ArrayList<>(new TreeSet<>(nodes));
        Collections.shuffle(distinct, rnd);
        TreeSet<Long> incoming = new TreeSet<>();
        TreeSet<Long> outgoing = new TreeSet<>();
        TreeSet<Long> learners = new TreeSet<>();
        TreeSet<Long> next = new TreeSet<>();
        boolean joint = rnd.nextBoolean();
        incoming.add(distinct.get(0));
        for (Long id : distinct.subList(1, distinct.size())) {
            switch (rnd.nextInt(joint ? 6 : 3)) {
                case 0 -> incoming.add(id);
                case 1 -> learners.add(id);
                case 2 -> { /* not a member */ }
                case 3 -> { incoming.add(id); outgoing.add(id); }
                case 4 -> outgoing.add(id);
                default -> { outgoing.add(id); next.add(id); }
            }
        }
        if (joint && outgoing.isEmpty()) {
            outgoing.add(incoming.first());
        }
        boolean auto = joint && rnd.nextBoolean();
        // Lists in random order: restore must not depend on it.
        return cs(shuffled(incoming, rnd), shuffled(outgoing, rnd), shuffled(learners, rnd), shuffled(next, rnd), auto);
    }

    static List<Long> shuffled(TreeSet<Long> ids, Random rnd) {
        List<Long> out = new ArrayList<>(ids);
        Collections.shuffle(out, rnd);
        return out;
    }

    static ConfState sorted(ConfState cs) {
        return cs(new ArrayList<>(new TreeSet<>(cs.getVotersList())), new ArrayList<>(new TreeSet<>(cs.getVotersOutgoingList())),
                new ArrayList<>(new TreeSet<>(cs.getLearnersList())), new ArrayList<>(new TreeSet<>(cs.getLearnersNextList())),
                cs.getAutoLeave());
    }

    @Test
    void randomValidConfStatesRoundTrip() throws ConfChangeException {
        int joint = 0;
        for (int seed = 0; seed < 2000; seed++) {
            ConfState in = randomValid(new Random(seed));
            String ctx = "seed " + seed + " " + in.toString().replace('\n', ' ');
            ConfChanger.Result r;
            try {
                r = restore(in);
            } catch (ConfChangeException e) {
                throw new AssertionError(ctx + ": " + e.getMessage(), e);
            }
            assertThat(r.config().toConfState()).as(ctx).isEqualTo(sorted(in));
            Invariants.check(r.config(), r.progress());
            TreeSet<Long> members = new TreeSet<>(in.getVotersList());
            members.addAll(in.getVotersOutgoingList());
            members.addAll(in.getLearnersList());
            assertThat(r.progress().keySet()).as(ctx).containsExactlyElementsOf(members);
            // Restoring what a restore produced is the identity.
            assertThat(restore(r.config().toConfState()).config()).as(ctx).isEqualTo(r.config());
            if (r.config().isJoint()) {
                joint++;
            }
        }
        assertThat(joint).as("the generator covers joint configs").isGreaterThan(500);
    }
}
