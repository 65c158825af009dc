package org.understudy.raft.sim;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.understudy.raft.core.PeerProgress;
import org.understudy.raft.core.RaftCore;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfChangeSingle;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.proto.RaftMessage;

/** One-line descriptions of the simulator's objects, for traces and failure messages. */
final class SimFormat {

    private SimFormat() {}

    static String describe(RaftMessage m) {
        StringBuilder b = new StringBuilder(m.getType().name().substring(4)).append(' ').append(m.getFrom())
                .append("->").append(m.getTo()).append(" t").append(m.getTerm());
        switch (m.getType()) {
            case MSG_APPEND -> b.append(" prev=").append(m.getIndex()).append('/').append(m.getLogTerm())
                    .append(" n=").append(m.getEntriesCount()).append(" commit=").append(m.getCommit());
            case MSG_APPEND_RESP -> b.append(" idx=").append(m.getIndex())
                    .append(m.getReject() ? " REJECT hint=" + m.getRejectHint() : "");
            case MSG_VOTE, MSG_PRE_VOTE -> b.append(" last=").append(m.getIndex()).append('/').append(m.getLogTerm());
            case MSG_VOTE_RESP, MSG_PRE_VOTE_RESP -> b.append(m.getReject() ? " REJECT" : " GRANT");
            case MSG_HEARTBEAT -> b.append(" commit=").append(m.getCommit());
            case MSG_SNAPSHOT -> b.append(" snap=").append(m.getSnapshot().getIndex()).append('/')
                    .append(m.getSnapshot().getTerm());
            default -> b.append(" idx=").append(m.getIndex()).append(m.getReject() ? " REJECT" : "");
        }
        return b.toString();
    }

    static String describe(ConfChange cc) {
        StringBuilder b = new StringBuilder("[").append(cc.getTransition().name().replace("CONF_CHANGE_TRANSITION_", ""));
        for (ConfChangeSingle s : cc.getChangesList()) {
            b.append(' ').append(s.getType().name().replace("CONF_CHANGE_", "")).append(' ').append(s.getNodeId());
        }
        return b.append(']').toString();
    }

    static String describe(Entry e) {
        String data = e.getData().size() <= 24 ? e.getData().toStringUtf8() : e.getData().size() + " bytes";
        return "{" + e.getIndex() + "/" + e.getTerm() + (e.getType() == EntryType.ENTRY_CONF_CHANGE ? " conf" : "")
                + " '" + data + "'}";
    }

    static String describe(ConfState c) {
        return "voters=" + c.getVotersList() + (c.getVotersOutgoingCount() > 0 ? "&&" + c.getVotersOutgoingList() : "")
                + " learners=" + c.getLearnersList()
                + (c.getLearnersNextCount() > 0 ? " learnersNext=" + c.getLearnersNextList() : "")
                + (c.getAutoLeave() ? " autoLeave" : "");
    }

    static String describeProgress(Map<Long, PeerProgress> progress) {
        StringBuilder b = new StringBuilder("{");
        new TreeMap<>(progress).forEach((k, p) -> b.append(k).append(p.learner() ? "(L)" : "").append(":m")
                .append(p.match()).append(' '));
        return b.append('}').toString();
    }

    /** One line per node: role, term, leader, indexes, configuration. */
    static String nodes(Collection<SimNode> nodes) {
        StringBuilder b = new StringBuilder();
        for (SimNode n : nodes) {
            b.append("\n    ").append(n.id()).append(": ");
            if (!n.isUp()) {
                b.append("down");
                continue;
            }
            RaftCore c = n.core();
            b.append(c.role()).append(" term=").append(c.term()).append(" lead=").append(c.leaderId())
                    .append(" commit=").append(c.commitIndex()).append(" applied=")
                    .append(n.stateMachine().appliedIndex()).append(" last=").append(c.lastIndex()).append(' ')
                    .append(describe(c.confState()));
        }
        return b.toString();
    }
}
