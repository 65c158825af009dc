package org.understudy.raft.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.raft.runtime.TestCluster.eventually;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.RaftMessage;

class InboxTest {

    private static LoopEvent request() {
        return new LoopEvent.ReadIndex(new CompletableFuture<>());
    }

    private static LoopEvent peer(long from) {
        return new LoopEvent.PeerMessage(RaftMessage.newBuilder().setFrom(from).build());
    }

    @Test
    void aFullRequestLaneRefusesWithoutAffectingPeerTrafficOrInternalNotices() {
        Inbox inbox = new Inbox(2);
        assertThat(inbox.offerRequest(request())).isTrue();
        assertThat(inbox.offerRequest(request())).isTrue();
        assertThat(inbox.offerRequest(request())).isFalse();
        assertThat(inbox.queuedRequests()).isEqualTo(2);

        assertThat(inbox.offerPeer(peer(1))).isTrue();
        assertThat(inbox.offerPeer(peer(2))).isTrue();
        assertThat(inbox.offerPeer(peer(3))).as("peer lane has its own bound").isFalse();
        for (int i = 0; i < 100; i++) {
            inbox.post(new LoopEvent.Persisted(i)); // never refused
        }

        List<LoopEvent> out = new ArrayList<>();
        inbox.drainAll(out);
        assertThat(out).hasSize(104);
        assertThat(inbox.queuedRequests()).isZero();
        assertThat(inbox.offerRequest(request())).as("room again once drained").isTrue();
    }

    @Test
    void drainTakesInternalNoticesFirstThenPeersThenRequestsAndRespectsTheBatchLimit() {
        Inbox inbox = new Inbox(10);
        LoopEvent r = request();
        LoopEvent p = peer(1);
        LoopEvent n = new LoopEvent.Persisted(3);
        inbox.offerRequest(r);
        inbox.offerPeer(p);
        inbox.post(n);

        List<LoopEvent> out = new ArrayList<>();
        inbox.drainTo(out, 2);
        assertThat(out).containsExactly(n, p);
        inbox.drainTo(out, 10);
        assertThat(out).containsExactly(n, p, r);
    }

    @Test
    void ticksCoalesce() {
        Inbox inbox = new Inbox(1);
        inbox.tick();
        inbox.tick();
        inbox.tick();
        assertThat(inbox.takeTick()).isTrue();
        assertThat(inbox.takeTick()).isFalse();
    }

    @Test
    void aParkedConsumerWakesUpOnAnOffer() throws Exception {
        Inbox inbox = new Inbox(1);
        AtomicBoolean woke = new AtomicBoolean();
        Thread consumer = new Thread(() -> {
            inbox.awaitWork(TimeUnit.SECONDS.toNanos(30));
            woke.set(true);
        });
        consumer.start();
        eventually().until(() -> consumer.getState() == Thread.State.TIMED_WAITING);
        inbox.offerPeer(peer(1));
        eventually().untilTrue(woke);
        consumer.join();
    }

    @Test
    void awaitWorkReturnsAtOnceWhenSomethingIsQueued() {
        Inbox inbox = new Inbox(1);
        inbox.tick();
        long start = System.nanoTime();
        inbox.awaitWork(TimeUnit.SECONDS.toNanos(30));
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
}
