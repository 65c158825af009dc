package org.understudy.raft.transport.netty.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.understudy.raft.proto.MessageType;
import org.understudy.raft.proto.RaftMessage;

class LaneTest {
    private static final int THRESHOLD = 1000;

    private static Lane laneOf(MessageType type, int size) {
        return Lane.of(RaftMessage.newBuilder().setType(type).build(), size, THRESHOLD);
    }

    @Test
    void snapshotChunksAndLargeAppendsAreBulkEverythingElseControl() {
        assertThat(laneOf(MessageType.MSG_SNAPSHOT_CHUNK, 10)).isEqualTo(Lane.BULK);
        assertThat(laneOf(MessageType.MSG_APPEND, THRESHOLD + 1)).isEqualTo(Lane.BULK);
        assertThat(laneOf(MessageType.MSG_APPEND, THRESHOLD)).isEqualTo(Lane.CONTROL);
        for (MessageType type : MessageType.values()) {
            if (type != MessageType.MSG_APPEND && type != MessageType.MSG_SNAPSHOT_CHUNK && type != MessageType.UNRECOGNIZED) {
                assertThat(laneOf(type, 10 * THRESHOLD)).as("%s", type).isEqualTo(Lane.CONTROL);
            }
        }
    }

    @Test
    void theWireFormRoundTrips() {
        for (Lane lane : Lane.values()) {
            assertThat(Lane.fromWire(lane.wire())).isEqualTo(lane);
        }
        assertThat(Lane.fromWire(org.understudy.raft.transport.netty.proto.LaneKind.LANE_UNSPECIFIED)).isNull();
    }
}
