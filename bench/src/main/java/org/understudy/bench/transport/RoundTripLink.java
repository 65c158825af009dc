package org.understudy.bench.transport;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Two endpoints on loopback in this JVM, one ("A") sending requests of a fixed payload size and
 * the other ("B") answering each at once with a message of the same size. Every reply that
 * arrives back at A runs the {@code onReply} callback given when the link was opened, on A's Netty
 * thread. {@link RoundTripLinks} opens one per implementation.
 */
interface RoundTripLink extends AutoCloseable {

    /** Sends one request from A to B. Any thread; never blocks. */
    void send();

    /** What runs underneath, for the log: implementation, event-loop kind, threads. */
    String describe();

    /** Messages the implementation dropped (a full queue, a lost connection); must stay 0. */
    long droppedMessages();

    /** The addresses the link listens on, to check that {@link #close()} released them. */
    List<InetSocketAddress> listenAddresses();

    /** Closes every connection and stops every thread the link started, waiting for both. */
    @Override
    void close();
}
