package org.understudy.raft.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.google.protobuf.ByteString;

/**
 * The leader's pending read-index requests in safe mode (thesis §6.4): each waits until a quorum
 * has answered a heartbeat that carried its context, which proves the leader was still the leader
 * when the request arrived. Requests are answered in arrival order: a quorum acknowledging a later
 * request also confirms every earlier one.
 */
final class ReadIndexQueue {

    /** One pending request: the commit index when it arrived, who asked, and who has acknowledged. */
    static final class Pending {
        final ByteString context;
        final long index;
        final long requester;
        final Set<Long> acks = new HashSet<>();

        Pending(ByteString context, long index, long requester) {
            this.context = context;
            this.index = index;
            this.requester = requester;
        }
    }

    private final LinkedHashMap<ByteString, Pending> pending = new LinkedHashMap<>();

    void add(ByteString context, long index, long requester) {
        pending.putIfAbsent(context, new Pending(context, index, requester));
    }

    /** Records an acknowledgement; returns who has acknowledged {@code context} so far, or null if unknown. */
    Set<Long> ack(long from, ByteString context) {
        Pending p = pending.get(context);
        if (p == null) {
            return null;
        }
        p.acks.add(from);
        return p.acks;
    }

    /** Removes and returns every request up to and including {@code context}, oldest first. */
    List<Pending> advance(ByteString context) {
        if (!pending.containsKey(context)) {
            return List.of();
        }
        List<Pending> out = new ArrayList<>();
        Iterator<Map.Entry<ByteString, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Pending p = it.next().getValue();
            it.remove();
            out.add(p);
            if (p.context.equals(context)) {
                break;
            }
        }
        return out;
    }

    /** The context of the newest pending request, or null: heartbeats carry it. */
    ByteString lastContext() {
        ByteString last = null;
        for (ByteString c : pending.keySet()) {
            last = c;
        }
        return last;
    }

    /** Removes and returns every pending request (the leader is stepping down). */
    List<Pending> drain() {
        List<Pending> out = new ArrayList<>(pending.values());
        pending.clear();
        return out;
    }

    int size() {
        return pending.size();
    }
}
