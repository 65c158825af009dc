package org.understudy.raft.core.confchange;

import java.util.ArrayList;
import java.util.List;
import org.understudy.raft.core.tracker.ProgressTracker;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfChangeTransition;
import org.understudy.raft.proto.ConfChangeType;
import org.understudy.raft.proto.ConfState;

/** Test shorthand: "v4 l5 r1" = add voter 4, add learner 5, remove 1. */
final class Changes {

    static final int MAX_INFLIGHT = 8;
    static final long MAX_INFLIGHT_BYTES = 0;

    private Changes() {}

    static List<ConfChangeSingle> parse(String spec) {
        List<ConfChangeSingle> out = new ArrayList<>();
        for (String token : spec.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            ConfChangeType type = switch (token.charAt(0)) {
                case 'v' -> ConfChangeType.CONF_CHANGE_ADD_VOTER;
                case 'l' -> ConfChangeType.CONF_CHANGE_ADD_LEARNER;
                case 'r' -> ConfChangeType.CONF_CHANGE_REMOVE_NODE;
                default -> throw new IllegalArgumentException("bad change " + token);
            };
            out.add(ConfChangeSingle.newBuilder().setType(type).setNodeId(Long.parseLong(token.substring(1))).build());
        }
        return out;
    }

    /** The inverse of {@link #parse}: "v4 l5 r1". */
    static String describe(List<ConfChangeSingle> changes) {
        StringBuilder sb = new StringBuilder();
        for (ConfChangeSingle cc : changes) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(switch (cc.getType()) {
                case CONF_CHANGE_ADD_VOTER -> 'v';
                case CONF_CHANGE_ADD_LEARNER -> 'l';
                case CONF_CHANGE_REMOVE_NODE -> 'r';
                default -> '?';
            }).append(cc.getNodeId());
        }
        return sb.toString();
    }

    static ConfChange confChange(ConfChangeTransition transition, String spec) {
        return ConfChange.newBuilder().setTransition(transition).addAllChanges(parse(spec)).build();
    }

    static ProgressTracker empty() {
        return new ProgressTracker(MAX_INFLIGHT, MAX_INFLIGHT_BYTES);
    }

    static ProgressTracker install(ProgressTracker t, ConfChanger.Result r) {
        t.reset(r.config(), r.progress());
        return t;
    }

    /** A tracker holding the configuration the ConfState describes. */
    static ProgressTracker tracker(ConfState cs) throws ConfChangeException {
        return install(empty(), ConfChanger.restore(cs, MAX_INFLIGHT, MAX_INFLIGHT_BYTES, 1));
    }

    /** A non-joint tracker with voters, learners: e.g. tracker("1 2 3", "4"). */
    static ProgressTracker tracker(String voters, String learners) throws ConfChangeException {
        ConfState.Builder b = ConfState.newBuilder();
        for (String v : voters.trim().split("\\s+")) {
            if (!v.isEmpty()) {
                b.addVoters(Long.parseLong(v));
            }
        }
        for (String l : learners.trim().split("\\s+")) {
            if (!l.isEmpty()) {
                b.addLearners(Long.parseLong(l));
            }
        }
        return tracker(b.build());
    }

    /** The tracker's config and every progress, to compare "before" and "after". */
    static String snapshot(ProgressTracker t) {
        return t.toString();
    }
}
