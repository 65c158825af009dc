package org.understudy.bench.transport;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.transport.netty.peer.Lane;
import org.understudy.raft.transport.netty.peer.NettyTransport;
import org.understudy.raft.transport.netty.peer.NettyTransportOptions;

/**
 * The transport under test: two {@link NettyTransport}s in this JVM on 127.0.0.1 (ports chosen by
 * the OS), node 1 ("A") and node 2 ("B") of cluster {@value #CLUSTER}, each the other's only peer.
 * A sends a {@code MSG_APPEND} carrying one entry of {@code payloadBytes} data; B's inbound handler
 * at once sends back a {@code MSG_APPEND} of the same size (B "echoes" it); A's inbound handler
 * calls {@code onReply}. Both messages are built once, up front, so the benchmark measures the
 * transport (serializing, framing, queueing, parsing, delivering), not building messages.
 *
 * <p>Settings: the transport's defaults (so appends up to 64 KiB travel on the control lane, which
 * the constructor checks), except {@code ioThreads = 1} per node, so that, like the raw echo, each
 * side has one event-loop thread (two in all, on this 2-core machine), and a
 * {@link SimpleMeterRegistry} per node, so that counting costs what it costs with a real registry
 * and dropped messages can be checked. A's first message opens and handshakes the control lane's
 * connection; B answers on that same connection (the transport's two-way connections, on by
 * default), as the raw echo does, so one TCP connection carries both directions.
 */
final class UnderstudyLink implements RoundTripLink {
    static final String CLUSTER = "bench";
    private static final long A = 1;
    private static final long B = 2;

    private final NettyIo io;
    private final RaftMessage request;
    private final MeterRegistry registryA = new SimpleMeterRegistry();
    private final MeterRegistry registryB = new SimpleMeterRegistry();
    private final NettyTransport a;
    private final NettyTransport b;

    UnderstudyLink(NettyIo io, byte[] payload, Runnable onReply) {
        this.io = io;
        this.request = append(A, B, payload);
        RaftMessage reply = append(B, A, payload);
        a = new NettyTransport(options(A, registryA));
        NettyTransport started = null;
        try {
            started = new NettyTransport(options(B, registryB));
            b = started;
            checkSetup(reply);
            a.updatePeer(B, b.address());
            b.updatePeer(A, a.address());
            NettyTransport replier = b;
            b.start(message -> replier.send(reply));
            a.start(message -> onReply.run());
        } catch (RuntimeException e) {
            a.close();
            if (started != null) {
                started.close();
            }
            throw e;
        }
    }

    private NettyTransportOptions options(long node, MeterRegistry registry) {
        return NettyTransportOptions.builder(CLUSTER, node)
                .listen("127.0.0.1", 0)
                .ioThreads(1)
                .preferNativeTransport(io == NettyIo.EPOLL)
                .meterRegistry(registry)
                .build();
    }

    private static RaftMessage append(long from, long to, byte[] payload) {
        return RaftMessage.newBuilder()
                .setType(MessageType.MSG_APPEND)
                .setFrom(from)
                .setTo(to)
                .setTerm(1)
                .setLogTerm(1)
                .setIndex(1)
                .setCommit(1)
                .addEntries(Entry.newBuilder().setTerm(1).setIndex(2).setData(ByteString.copyFrom(payload)))
                .build();
    }

    /** Both nodes on the event loops the raw echo uses, and both messages on the control lane. */
    private void checkSetup(RaftMessage reply) {
        for (NettyTransport t : List.of(a, b)) {
            if (!t.ioKind().name().equals(io.name())) {
                throw new IllegalStateException(t + " runs on " + t.ioKind() + ", the raw echo on " + io
                        + ": the comparison would not be fair");
            }
        }
        int threshold = a.options().bulkThresholdBytes();
        for (RaftMessage m : List.of(request, reply)) {
            if (Lane.of(m, m.getSerializedSize(), threshold) != Lane.CONTROL) {
                throw new IllegalArgumentException("a " + m.getSerializedSize() + "-byte append goes on the bulk lane "
                        + "(above bulkThresholdBytes = " + threshold + "); this benchmark measures the control lane");
            }
        }
    }

    @Override
    public void send() {
        a.send(request);
    }

    @Override
    public String describe() {
        return RoundTripLinks.UNDERSTUDY + " over " + io + ": NettyTransport node " + A + " ⇄ node " + B
                + " (1 I/O thread each), control lane, " + request.getSerializedSize() + "-byte MSG_APPEND each way";
    }

    @Override
    public long droppedMessages() {
        return dropped(registryA) + dropped(registryB);
    }

    private static long dropped(MeterRegistry registry) {
        double sum = 0;
        for (Counter c : registry.find("understudy.transport.messages.dropped").counters()) {
            sum += c.count();
        }
        return (long) sum;
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return List.of(a.localAddress(), b.localAddress());
    }

    @Override
    public void close() {
        try {
            a.close();
        } finally {
            b.close();
        }
    }
}
