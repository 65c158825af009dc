package org.understudy.examples.kv.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.membership.proto.Member;
import org.understudy.raft.runtime.StartMode;

/**
 * How a member starts, decided from its data dir and flags (RAFT-KV.md): a data dir that holds an
 * identity resumes as that member and ignores {@code --initial-cluster*} (as in etcd), and with
 * {@code --force-new-cluster} resumes as the only voter of its cluster; an empty one
 * founds a new cluster ({@code new}: every founder derives the same ids from the initial cluster)
 * or joins a running one ({@code existing}: ids discovered from the leader, see
 * {@link JoinDiscovery}).
 *
 * @param identity who this member is
 * @param restart whether the data dir already held this member's state
 * @param mode how the Raft node begins on empty storage
 * @param founderRecords the founders' records (the same on every founder), empty unless founding
 * @param seedPeers peer addresses to know before the registry does (founders, a joiner's discovery)
 * @param forceNewCluster resume as the only voter of the cluster ({@code --force-new-cluster});
 *     only ever true for a restart
 */
record StartPlan(NodeIdentity identity, boolean restart, StartMode mode, List<Member> founderRecords,
        Map<Long, HostPort> seedPeers, boolean forceNewCluster) {

    /** How long a joiner waits for the leader to contact it. */
    static final Duration JOIN_WAIT = Duration.ofMinutes(10);

    static StartPlan decide(KvConfig config) {
        Optional<NodeIdentity> stored = config.durable() ? NodeIdentity.read(config.dataDir()) : Optional.empty();
        if (stored.isPresent()) {
            return resume(config, stored.get());
        }
        if (config.forceNewCluster()) {
            throw new ConfigException("--force-new-cluster recovers a member from its data dir, but " + config.dataDir()
                    + " holds no member: there is nothing to recover. Point --data-dir at the data of the surviving"
                    + " member, or start without the flag");
        }
        if (config.knownIdentity().isPresent()) {
            NodeIdentity known = config.knownIdentity().get();
            return new StartPlan(new NodeIdentity(config.name(), known.clusterId(), known.memberId(), config.storage()),
                    false, StartMode.join(), List.of(), JoinDiscovery.probeAll(config.name(), config.initialCluster(),
                            known.clusterId(), known.memberId()), false);
        }
        if (config.initialCluster().isEmpty()) {
            throw new ConfigException("the data dir " + config.dataDir() + " holds no member yet, so --initial-cluster"
                    + " is required (with --initial-cluster-state new to found a cluster, existing to join one)");
        }
        return switch (config.initialClusterState()) {
            case NEW -> found(config);
            case EXISTING -> join(config);
        };
    }

    private static StartPlan resume(KvConfig config, NodeIdentity id) {
        if (!id.name().equals(config.name())) {
            throw new ConfigException("the data dir " + config.dataDir() + " belongs to member '" + id.name()
                    + "' of cluster " + id.clusterId() + ", not to '" + config.name() + "'; give each member its own"
                    + " data dir");
        }
        if (!id.storage().equals(config.storage())) {
            throw new ConfigException("the data dir " + config.dataDir() + " was written with --storage " + id.storage()
                    + ", not " + config.storage() + "; restart with --storage " + id.storage());
        }
        if (config.initialClusterState() == KvConfig.ClusterState.NEW && !config.initialCluster().isEmpty()) {
            String theirs = ClusterIds.clusterId(config.initialCluster());
            if (!theirs.equals(id.clusterId())) {
                throw new ConfigException("the data dir " + config.dataDir() + " holds member '" + id.name()
                        + "' of cluster " + id.clusterId() + ", but --initial-cluster describes another cluster ("
                        + theirs + "); use this cluster's data dir, or an empty one to found the new cluster");
            }
        }
        return new StartPlan(id, true, StartMode.join(), List.of(), Map.of(), config.forceNewCluster());
    }

    private static StartPlan found(KvConfig config) {
        String clusterId = ClusterIds.clusterId(config.initialCluster());
        List<Long> voters = new ArrayList<>();
        List<Member> records = new ArrayList<>();
        for (InitialCluster.Member m : config.initialCluster().members()) {
            long id = ClusterIds.memberId(clusterId, m.name());
            voters.add(id);
            records.add(Member.newBuilder().setId(id).setName(m.name()).addPeerUrls(m.peer().peerUrl()).build());
        }
        long self = ClusterIds.memberId(clusterId, config.name());
        return new StartPlan(new NodeIdentity(config.name(), clusterId, self, config.storage()), false,
                StartMode.found(voters), records, seedsByName(config, clusterId), false);
    }

    private static StartPlan join(KvConfig config) {
        if (config.tls().isPresent()) {
            throw new ConfigException("joining an existing cluster with TLS is not supported yet: a joiner learns its"
                    + " member id from the leader's first (plain-text) handshake");
        }
        JoinDiscovery.Result found = JoinDiscovery.discover(config.name(), config.listenPeer(),
                config.initialCluster(), JOIN_WAIT);
        return new StartPlan(new NodeIdentity(config.name(), found.clusterId(), found.memberId(), config.storage()),
                false, StartMode.join(), List.of(), found.peers(), false);
    }

    private static Map<Long, HostPort> seedsByName(KvConfig config, String clusterId) {
        Map<Long, HostPort> seeds = new LinkedHashMap<>();
        for (InitialCluster.Member m : config.initialCluster().members()) {
            if (!m.name().equals(config.name())) {
                seeds.put(ClusterIds.memberId(clusterId, m.name()), m.peer());
            }
        }
        return seeds;
    }
}
