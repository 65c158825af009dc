package org.understudy.bench.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SnapshotLogTest {
    private static final String PREFIX = " INFO  [raft-apply] o.u.raft.runtime.SnapshotReceiver - node 6825372566939244734: ";

    @Test
    void theLastCompletedTransferWithItsSizeAndDuration() {
        String log = "18:38:19.849 INFO  o.understudy.raft.runtime.RaftNode - node 1 started\n"
                + "18:38:21.614" + PREFIX + "receiving the snapshot at index 100 from node 5, transfer 1\n"
                + "18:38:22.000" + PREFIX + "receiving the snapshot at index 16453 from node 5, transfer 2\n"
                + "18:38:22.573" + PREFIX + "received the snapshot at index 16453 (17303566 bytes)\n"
                + "18:38:24.836 INFO  o.u.raft.runtime.ApplyWorker - node 1: restored the state machine\n";
        SnapshotLog.Transfer t = SnapshotLog.lastReceived(log).orElseThrow();
        assertThat(t.index()).isEqualTo(16_453);
        assertThat(t.bytes()).isEqualTo(17_303_566);
        assertThat(t.seconds()).isCloseTo(0.573, within(1e-9));
        assertThat(t.transfers()).isEqualTo(2);
    }

    @Test
    void aTransferOverMidnightWraps() {
        String log = "23:59:59.500" + PREFIX + "receiving the snapshot at index 7 from node 5, transfer 1\n"
                + "00:00:01.000" + PREFIX + "received the snapshot at index 7 (3000000 bytes)\n";
        assertThat(SnapshotLog.lastReceived(log).orElseThrow().seconds()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void noSnapshotReceivedIsEmpty() {
        assertThat(SnapshotLog.lastReceived("18:38:19.849 INFO  RaftNode - started\n")).isEmpty();
        assertThat(SnapshotLog.lastReceived("18:38:21.614" + PREFIX + "receiving the snapshot at index 9 from node 5\n"))
                .isEmpty();
    }
}
