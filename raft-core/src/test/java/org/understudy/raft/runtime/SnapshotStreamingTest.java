package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.understudy.raft.core.Bootstrap;
import org.understudy.raft.memory.MemorySnapshotStore;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.SnapshotStore;
import org.understudy.raft.spi.Transport;

/**
 * {@link SnapshotSender} and {@link SnapshotReceiver} wired back to back through queues, stepped
 * by hand on the test thread: chunking, the in-flight window, duplicates, gaps, timeouts.
 */
class SnapshotStreamingTest {
    private static final long LEADER = 1;
    private static final long FOLLOWER = 2;
    private static final long TERM = 5;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A transport that only queues what is sent. */
    private static final class QueueTransport implements Transport {
        final ArrayDeque<RaftMessage> sent = new ArrayDeque<>();

        @Override public void start(Inbound inbound) {}
        @Override public void send(RaftMessage message) { sent.add(message); }
        @Override public void updatePeer(long nodeId, String address) {}
        @Override public void removePeer(long nodeId) {}
        @Override public void close() {}
    }

    private final MemorySnapshotStore leaderStore = new MemorySnapshotStore();
    private final MemorySnapshotStore followerStore = new MemorySnapshotStore();
    private final QueueTransport toFollower = new QueueTransport();
    private final QueueTransport toLeader = new QueueTransport();
    private final Inbox leaderInbox = new Inbox(100);
    private final Inbox followerInbox = new Inbox(100);

    private SnapshotSender sender(int chunkBytes, int window) {
        return new SnapshotSender(LEADER, leaderStore, toFollower, leaderInbox, chunkBytes, window, TIMEOUT_NANOS);
    }

    private final SnapshotReceiver receiver = new SnapshotReceiver(FOLLOWER, followerStore, toLeader, followerInbox);

    private static SnapshotMetadata meta(long index) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(TERM)
                .setConfState(Bootstrap.initialSnapshot(List.of(1L, 2L, 3L), List.of()).getConfState()).build();
    }

    private static byte[] write(SnapshotStore store, SnapshotMetadata meta, int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        try (SnapshotStore.Writer w = store.create(meta)) {
            w.write(ByteString.copyFrom(data));
            w.commit();
        }
        return data;
    }

    private static RaftMessage request(long index) {
        return RaftMessage.newBuilder().setType(MessageType.MSG_SNAPSHOT).setFrom(LEADER).setTo(FOLLOWER)
                .setTerm(TERM).setSnapshot(meta(index)).build();
    }

    private static List<LoopEvent> drain(Inbox inbox) {
        List<LoopEvent> out = new ArrayList<>();
        inbox.drainAll(out);
        return out;
    }

    private static byte[] read(SnapshotStore store) {
        try (SnapshotStore.Reader r = store.openLatest().orElseThrow()) {
            return r.read(0, (int) r.size()).toByteArray();
        }
    }

    @Test
    void aSnapshotTravelsInChunksNeverMoreThanTheWindowUnacknowledged() {
        byte[] data = write(leaderStore, meta(40), 1000, 1);
        SnapshotSender sender = sender(64, 3);

        sender.start(request(40), 0);
        int maxInFlight = 0;
        int chunks = 0;
        while (!toFollower.sent.isEmpty()) {
            maxInFlight = Math.max(maxInFlight, toFollower.sent.size());
            RaftMessage chunk = toFollower.sent.poll();
            assertThat(chunk.getType()).isEqualTo(MessageType.MSG_SNAPSHOT_CHUNK);
            assertThat(chunk.getTerm()).isEqualTo(TERM);
            assertThat(chunk.getChunk().getData().size()).isLessThanOrEqualTo(64);
            chunks++;
            receiver.onChunk(chunk);
            sender.onResponse(toLeader.sent.poll(), 0);
        }

        assertThat(chunks).isEqualTo(16); // ceil(1000 / 64)
        assertThat(maxInFlight).isEqualTo(3);
        assertThat(read(followerStore)).isEqualTo(data);
        assertThat(followerStore.latest()).contains(meta(40));
        assertThat(drain(leaderInbox)).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, true));
        assertThat(drain(followerInbox)).containsExactly(new LoopEvent.SnapshotReceived(RaftMessage.newBuilder()
                .setType(MessageType.MSG_SNAPSHOT).setFrom(LEADER).setTo(FOLLOWER).setTerm(TERM)
                .setSnapshot(meta(40)).build()));
        assertThat(sender.activeTransfers()).isZero();
    }

    @Test
    void theNewestSnapshotIsSentEvenWhenTheCoreAskedForAnOlderOne() {
        write(leaderStore, meta(10), 10, 2);
        byte[] newest = write(leaderStore, meta(30), 100, 3);
        SnapshotSender sender = sender(1000, 4);

        sender.start(request(10), 0);
        RaftMessage chunk = toFollower.sent.poll();

        assertThat(chunk.getChunk().getMetadata().getIndex()).isEqualTo(30);
        assertThat(chunk.getChunk().getLast()).isTrue();
        receiver.onChunk(chunk);
        assertThat(read(followerStore)).isEqualTo(newest);
    }

    @Test
    void anEmptySnapshotIsOneLastChunk() {
        write(leaderStore, meta(7), 0, 4);
        SnapshotSender sender = sender(64, 2);

        sender.start(request(7), 0);
        RaftMessage chunk = toFollower.sent.poll();
        assertThat(toFollower.sent).isEmpty();
        assertThat(chunk.getChunk().getLast()).isTrue();
        receiver.onChunk(chunk);
        sender.onResponse(toLeader.sent.poll(), 0);

        assertThat(followerStore.latest()).contains(meta(7));
        assertThat(drain(leaderInbox)).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, true));
    }

    @Test
    void aLostChunkMakesTheReceiverRejectAndTheSenderReportFailure() {
        write(leaderStore, meta(40), 500, 5);
        SnapshotSender sender = sender(100, 4);
        sender.start(request(40), 0);

        receiver.onChunk(toFollower.sent.poll());
        toFollower.sent.poll(); // lost on the way
        receiver.onChunk(toFollower.sent.poll()); // a gap

        sender.onResponse(toLeader.sent.poll(), 0);
        RaftMessage reject = toLeader.sent.poll();
        assertThat(reject.getReject()).isTrue();
        assertThat(reject.getIndex()).isEqualTo(100);
        sender.onResponse(reject, 0);

        assertThat(drain(leaderInbox)).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, false));
        assertThat(followerStore.latest()).isEmpty();
        assertThat(drain(followerInbox)).isEmpty();
    }

    @Test
    void aTransferWithoutAcknowledgementsTimesOut() {
        write(leaderStore, meta(40), 500, 6);
        SnapshotSender sender = sender(100, 2);
        sender.start(request(40), 0);

        sender.checkTimeouts(TIMEOUT_NANOS);
        assertThat(drain(leaderInbox)).isEmpty();
        sender.checkTimeouts(TIMEOUT_NANOS + 1);
        assertThat(drain(leaderInbox)).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, false));
        assertThat(sender.activeTransfers()).isZero();
    }

    @Test
    void duplicatedAndReorderedAcknowledgementsAndChunksAreHarmless() {
        long seed = 7;
        Random random = new Random(seed);
        byte[] data = write(leaderStore, meta(40), 2000, seed);
        SnapshotSender sender = sender(50, 4);
        sender.start(request(40), 0);

        List<RaftMessage> chunkLog = new ArrayList<>();
        while (!toFollower.sent.isEmpty()) {
            RaftMessage chunk = toFollower.sent.poll();
            chunkLog.add(chunk);
            receiver.onChunk(chunk);
            if (random.nextInt(3) == 0) {
                receiver.onChunk(chunkLog.get(random.nextInt(chunkLog.size()))); // an old duplicate
            }
            List<RaftMessage> acks = new ArrayList<>(toLeader.sent);
            toLeader.sent.clear();
            java.util.Collections.shuffle(acks, random);
            for (RaftMessage ack : acks) {
                sender.onResponse(ack, 0);
                sender.onResponse(ack, 0);
            }
        }

        assertThat(read(followerStore)).as("seed %d", seed).isEqualTo(data);
        assertThat(drain(leaderInbox)).as("seed %d", seed).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, true));
    }

    @Test
    void theReceiverTakesNoNewSnapshotUntilTheLastOneIsSettled() {
        write(leaderStore, meta(40), 10, 8);
        SnapshotSender sender = sender(100, 1);
        sender.start(request(40), 0);
        receiver.onChunk(toFollower.sent.poll());
        sender.onResponse(toLeader.sent.poll(), 0);
        drain(leaderInbox);

        write(leaderStore, meta(50), 10, 9);
        sender.start(request(50), 0);
        receiver.onChunk(toFollower.sent.poll());
        RaftMessage refused = toLeader.sent.poll();
        assertThat(refused.getReject()).as("snapshot 40 not installed yet").isTrue();
        sender.onResponse(refused, 0);
        assertThat(drain(leaderInbox)).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, false));

        receiver.settled(40);
        sender.start(request(50), 0);
        receiver.onChunk(toFollower.sent.poll());
        sender.onResponse(toLeader.sent.poll(), 0);
        assertThat(drain(leaderInbox)).containsExactly(new LoopEvent.SnapshotReport(FOLLOWER, true));
        assertThat(followerStore.latest().orElseThrow().getIndex()).isEqualTo(50);
    }

    @Test
    void aSecondRequestForTheSamePeerInTheSameTermDoesNotStartAnotherTransfer() {
        write(leaderStore, meta(40), 1000, 10);
        SnapshotSender sender = sender(100, 2);
        sender.start(request(40), 0);
        sender.start(request(40), 0);
        assertThat(toFollower.sent).hasSize(2);
        assertThat(toFollower.sent).extracting(m -> m.getChunk().getTransferId()).containsOnly(
                toFollower.sent.peek().getChunk().getTransferId());
    }
}
