package org.understudy.bench.replication;

import java.net.InetSocketAddress;
import java.util.List;
import org.understudy.raft.spi.Transport;

/**
 * The transports of one benchmark cluster, made before any node starts so that every node knows
 * every peer's address from the beginning. Each node closes its own transport when it closes;
 * {@link #close()} releases whatever is left (transports of nodes never started, shared threads).
 */
interface PeerNetwork extends AutoCloseable {

    /** The transport of node {@code id}, to be handed to that node. */
    Transport transport(long id);

    /** Messages the network or the transports dropped so far (Raft re-sends them, but they cost time). */
    long droppedMessages();

    /** Addresses the transports listen on (empty when nothing listens), for the smoke test's port check. */
    List<InetSocketAddress> listenAddresses();

    /** Name prefixes of the threads this network's transports start, so a teardown can check they ended. */
    List<String> threadPrefixes();

    /** One line for the benchmark log: what carries the messages. */
    String describe();

    @Override
    void close();
}
