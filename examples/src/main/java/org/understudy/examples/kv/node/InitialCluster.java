package org.understudy.examples.kv.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code --initial-cluster} value: {@code name=HOST:PORT,...}, one entry per member (etcd's
 * format; RAFT-KV.md). Founders compute the cluster id and every founder's member id from it, so
 * every founder must be given the same value.
 *
 * @param members the entries in the order given; names unique
 */
public record InitialCluster(List<Member> members) {

    /** One {@code name=HOST:PORT} entry. */
    public record Member(String name, HostPort peer) {}

    public InitialCluster {
        members = List.copyOf(members);
        Set<String> names = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (Member m : members) {
            if (!names.add(m.name())) {
                throw new ConfigException("--initial-cluster names '" + m.name() + "' twice; each member has one entry");
            }
            if (!addresses.add(m.peer().toString())) {
                throw new ConfigException("--initial-cluster gives address " + m.peer()
                        + " to two members; each member needs its own peer address");
            }
        }
    }

    /**
     * Parses {@code n1=127.0.0.1:2380,n2=127.0.0.1:2390}; an {@code http://} prefix on an address is
     * accepted and ignored.
     *
     * @throws ConfigException naming the bad entry
     */
    public static InitialCluster parse(String text) {
        if (text == null || text.isBlank()) {
            return new InitialCluster(List.of());
        }
        List<Member> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String entry = part.strip();
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new ConfigException("--initial-cluster entry '" + entry + "' is not NAME=HOST:PORT"
                        + " (e.g. n1=127.0.0.1:2380,n2=127.0.0.1:2390)");
            }
            String name = entry.substring(0, eq).strip();
            out.add(new Member(name, HostPort.parse(entry.substring(eq + 1), "--initial-cluster address of " + name)));
        }
        return new InitialCluster(out);
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * The canonical text the cluster id is derived from: the entries sorted by name, so that the
     * order the operator typed them in does not matter.
     */
    public String canonical() {
        return members.stream().sorted(Comparator.comparing(Member::name))
                .map(m -> m.name() + "=" + m.peer()).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return members.stream().map(m -> m.name() + "=" + m.peer()).collect(Collectors.joining(","));
    }
}
