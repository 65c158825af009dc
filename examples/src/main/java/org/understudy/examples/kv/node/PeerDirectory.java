package org.understudy.examples.kv.node;

import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.membership.proto.Member;
import org.understudy.membership.registry.MemberRegistry;
import org.understudy.raft.spi.Transport;

/**
 * Keeps the peer transport's address book equal to the member registry: the registry (replicated
 * in the log, see the membership README) is the one place addresses live, so a member added,
 * removed or restored from a snapshot is reachable, or forgotten, on every node without further
 * wiring. Called on the apply thread with each new registry; only enqueues transport work.
 */
final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

    private final long selfId;
    private final Transport transport;
    private final Set<Long> known = new HashSet<>();

    PeerDirectory(long selfId, Transport transport) {
        this.selfId = selfId;
        this.transport = transport;
    }

    /** Adds a peer learned before the registry knows it (a joiner's discovery). */
    synchronized void seed(long id, HostPort address) {
        if (id != selfId) {
            transport.updatePeer(id, address.toString());
            known.add(id);
        }
    }

    synchronized void update(MemberRegistry registry) {
        Set<Long> now = new HashSet<>();
        for (Member m : registry.members()) {
            if (m.getId() == selfId || m.getPeerUrlsCount() == 0) {
                continue;
            }
            try {
                HostPort address = HostPort.parse(m.getPeerUrls(0), "peer URL of member " + ClusterIds.hex(m.getId()));
                transport.updatePeer(m.getId(), address.toString());
                now.add(m.getId());
            } catch (RuntimeException e) {
                log.warn("member {} ('{}') has a peer URL this node cannot use: {}", ClusterIds.hex(m.getId()),
                        m.getName(), e.getMessage());
            }
        }
        if (registry.size() > 0) {
            for (long gone : known) {
                if (!now.contains(gone) && !registry.contains(gone)) {
                    transport.removePeer(gone);
                }
            }
            known.retainAll(registry.ids());
        }
        known.addAll(now);
    }
}
