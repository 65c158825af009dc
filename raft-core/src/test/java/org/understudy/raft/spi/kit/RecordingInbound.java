package org.understudy.raft.spi.kit;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.spi.Transport;

/** An {@link Transport.Inbound} that records what it receives and on which thread; never blocks. */
public final class RecordingInbound implements Transport.Inbound {

    /** A delivered message and the thread that delivered it. */
    public record Received(RaftMessage message, Thread thread) {}

    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Queue<Long> unreachable = new ConcurrentLinkedQueue<>();

    @Override
    public void onMessage(RaftMessage message) {
        received.add(new Received(message, Thread.currentThread()));
    }

    @Override
    public void onUnreachable(long nodeId) {
        unreachable.add(nodeId);
    }

    /** Everything received so far, in order of arrival. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The messages received so far whose context is {@code tag}, in order of arrival. */
    public List<RaftMessage> tagged(String tag) {
        ByteString context = ByteString.copyFromUtf8(tag);
        return received.stream().map(Received::message).filter(m -> m.getContext().equals(context)).toList();
    }

    /** The node ids reported unreachable so far. */
    public List<Long> unreachable() {
        return List.copyOf(unreachable);
    }
}
